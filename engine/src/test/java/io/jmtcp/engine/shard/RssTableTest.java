package io.jmtcp.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RssTableTest {

    @Test
    void defaultFillIsRoundRobinIndexedByLowHashBits() {
        RssTable table = new RssTable(3, 128);
        assertThat(table.entries()).isEqualTo(128);
        assertThat(table.queues()).isEqualTo(3);
        for (int i = 0; i < 128; i++) {
            assertThat(table.queueFor(i)).isEqualTo(i % 3);
            // Only the low 7 bits matter, as in a NIC's 128-entry RETA.
            assertThat(table.queueFor(0x5a5a_0000 | (i << 7) << 9 | i)).isEqualTo(i % 3);
            assertThat(table.queueFor(-128 + i)).isEqualTo(i % 3);
        }
    }

    @Test
    void everyQueueIsServed() {
        RssTable table = new RssTable(4, 128);
        for (int q = 0; q < 4; q++) {
            assertThat(table.serves(q)).isTrue();
        }
        assertThat(table.serves(4)).isFalse();
    }

    @Test
    void explicitTableIsCopiedAndHonoured() {
        int[] reta = {1, 1, 0, 1};
        RssTable table = new RssTable(2, reta);
        reta[2] = 1;
        assertThat(table.queueFor(2)).isZero();
        assertThat(table.queueFor(6)).isZero();
        assertThat(table.queueFor(7)).isEqualTo(1);
    }

    @Test
    void rejectsSizesNicsCannotIndex() {
        assertThatThrownBy(() -> new RssTable(2, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> new RssTable(8, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RssTable(0, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RssTable(2, new int[] {0, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue 2");
    }
}
