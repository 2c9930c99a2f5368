package io.jmtcp.engine.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultProfileTest {

    @Test
    void parsesEveryKeyWithUnits() {
        FaultProfile p = FaultProfile.parse(
                "loss=0.01,dup=0.02,reorder=0.03,gap=4,hold=5ms,corrupt=0.001,delay=2ms,jitter=1ms,"
                        + "rate=100mbit,burst=32k,pen=128,seed=42");
        assertThat(p.lossRate()).isEqualTo(0.01);
        assertThat(p.duplicateRate()).isEqualTo(0.02);
        assertThat(p.reorderRate()).isEqualTo(0.03);
        assertThat(p.reorderGap()).isEqualTo(4);
        assertThat(p.reorderHoldNanos()).isEqualTo(5_000_000L);
        assertThat(p.corruptRate()).isEqualTo(0.001);
        assertThat(p.delayNanos()).isEqualTo(2_000_000L);
        assertThat(p.jitterNanos()).isEqualTo(1_000_000L);
        assertThat(p.rateBitsPerSecond()).isEqualTo(100_000_000L);
        assertThat(p.burstBytes()).isEqualTo(32 * 1024);
        assertThat(p.penFrames()).isEqualTo(128);
        assertThat(p.seed()).isEqualTo(42);
    }

    @Test
    void toStringParsesBackToTheSameProfile() {
        FaultProfile p = FaultProfile.parse("loss=0.25,delay=1.5ms,jitter=300us,rate=1.5gbit,seed=-3");
        assertThat(FaultProfile.parse(p.toString())).isEqualTo(p);
        assertThat(p.delayNanos()).isEqualTo(1_500_000L);
        assertThat(p.rateBitsPerSecond()).isEqualTo(1_500_000_000L);
    }

    @Test
    void emptyStringIsNoImpairment() {
        assertThat(FaultProfile.parse("  ")).isEqualTo(FaultProfile.NONE);
        assertThat(FaultProfile.NONE.lossRate()).isZero();
        assertThat(FaultProfile.NONE.rateBitsPerSecond()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "loss=1.5           | loss=1.5 is not a probability in [0, 1]",
        "dup=-0.1           | dup=-0.1 is not a probability in [0, 1]",
        "corrupt=lots       | corrupt=lots is not a probability in [0, 1]",
        "reorder=NaN        | reorder=NaN is not a probability in [0, 1]",
        "delay=5            | delay=5 has no unit; allowed: a number followed by ns, us, ms or s",
        "delay=2parsecs     | delay=2parsecs is not valid; allowed: a number followed by ns, us, ms or s",
        "jitter=-1ms        | jitter=-1ms is not valid",
        "delay=2h           | delay=2h has no unit",
        "rate=fast          | rate=fast has no unit; allowed: a number followed by bit, kbit, mbit or gbit",
        "rate=mbit          | rate=mbit is not valid; allowed: a number followed by bit, kbit, mbit or gbit",
        "gap=0              | gap=0 is not an integer in [1, 65536]",
        "pen=100000         | pen=100000 is not an integer in [1, 65536]",
        "burst=0            | burst=0 is not a byte count",
        "seed=x             | seed=x is not an integer",
        "speed=1            | unknown key 'speed'; allowed: loss, dup, reorder, gap, hold, corrupt, delay, jitter, rate, burst, pen, seed",
        "loss               | 'loss' is not key=value",
        "loss=              | 'loss=' is not key=value",
        "loss=0.1,loss=0.2  | key 'loss' given twice",
    })
    void badStringsAreRejectedNamingKeyValueAndWhatIsAllowed(String text, String message) {
        assertThatThrownBy(() -> FaultProfile.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void builderValidatesToo() {
        assertThatThrownBy(() -> FaultProfile.builder().loss(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loss=2.0 is not a probability in [0, 1]");
        assertThatThrownBy(() -> FaultProfile.builder().delayNanos(-1).build())
                .hasMessageContaining("delay=-1ns is outside [0, 1h]");
        assertThatThrownBy(() -> FaultProfile.builder().rateBitsPerSecond(-5).build())
                .hasMessageContaining("rate=-5 bit/s is negative");
    }
}
