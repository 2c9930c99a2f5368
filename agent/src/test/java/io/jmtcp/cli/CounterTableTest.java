package io.jmtcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterTableTest {

    @Test
    void alignsNamesLeftAndValuesRightInTheMapsOrder() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("RX_FRAMES", 6L);
        counters.put("RX_BYTES", 588L);
        counters.put("DUTY_CYCLES", 12345L);

        assertThat(CounterTable.format(counters).split(System.lineSeparator())).containsExactly(
                "RX_FRAMES        6",
                "RX_BYTES       588",
                "DUTY_CYCLES  12345");
    }

    @Test
    void noCountersIsNoLines() {
        assertThat(CounterTable.format(Map.of())).isEmpty();
    }
}
