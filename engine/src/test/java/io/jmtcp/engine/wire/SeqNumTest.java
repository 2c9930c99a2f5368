package io.jmtcp.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqNumTest {

    private static final int NEAR_WRAP = 0xffff_fff0;

    @Test
    void comparesAcrossTheWrap() {
        assertThat(SeqNum.lt(NEAR_WRAP, 0x10)).isTrue();
        assertThat(SeqNum.le(NEAR_WRAP, 0x10)).isTrue();
        assertThat(SeqNum.gt(0x10, NEAR_WRAP)).isTrue();
        assertThat(SeqNum.ge(0x10, NEAR_WRAP)).isTrue();
        assertThat(SeqNum.gt(NEAR_WRAP, 0x10)).isFalse();
        assertThat(SeqNum.lt(0x7fff_ffff, 0x8000_0000)).isTrue();
        assertThat(SeqNum.lt(-1, 0)).isTrue();
        assertThat(SeqNum.le(5, 5)).isTrue();
        assertThat(SeqNum.ge(5, 5)).isTrue();
        assertThat(SeqNum.lt(5, 5)).isFalse();
        assertThat(SeqNum.gt(5, 5)).isFalse();
    }

    @Test
    void halfOpenWindowAcrossTheWrap() {
        int low = NEAR_WRAP;
        int high = low + 0x40; // 0x30 after the wrap
        assertThat(SeqNum.between(low, low, high)).isTrue();
        assertThat(SeqNum.between(low, -1, high)).isTrue();
        assertThat(SeqNum.between(low, 0, high)).isTrue();
        assertThat(SeqNum.between(low, 0x2f, high)).isTrue();
        assertThat(SeqNum.between(low, 0x30, high)).as("high is outside").isFalse();
        assertThat(SeqNum.between(low, low - 1, high)).isFalse();
        assertThat(SeqNum.between(low, low, low)).as("empty window").isFalse();
    }

    @Test
    void inclusiveWindowAcrossTheWrap() {
        int low = NEAR_WRAP;
        int high = 0x30;
        assertThat(SeqNum.betweenInclusive(low, high, high)).isTrue();
        assertThat(SeqNum.betweenInclusive(low, low, high)).isTrue();
        assertThat(SeqNum.betweenInclusive(low, 0x31, high)).isFalse();
        assertThat(SeqNum.betweenInclusive(low, low - 1, high)).isFalse();
        assertThat(SeqNum.betweenInclusive(7, 7, 7)).isTrue();
        assertThat(SeqNum.betweenInclusive(7, 8, 7)).isFalse();
        // RFC 9293 acceptable ACK, SND.UNA < SEG.ACK =< SND.NXT, with SND.UNA == SND.NXT: nothing acceptable
        int una = NEAR_WRAP + 0xf;
        for (int ack = una - 3; ack != una + 3; ack++) {
            assertThat(SeqNum.betweenInclusive(una + 1, ack, una)).as("ack %x", ack).isFalse();
        }
        int nxt = una + 0x20;
        assertThat(SeqNum.betweenInclusive(una + 1, una, nxt)).isFalse();
        assertThat(SeqNum.betweenInclusive(una + 1, una + 1, nxt)).isTrue();
        assertThat(SeqNum.betweenInclusive(una + 1, nxt, nxt)).isTrue();
        assertThat(SeqNum.betweenInclusive(una + 1, nxt + 1, nxt)).isFalse();
    }

    @Test
    void minMaxAndDiffAcrossTheWrap() {
        assertThat(SeqNum.max(NEAR_WRAP, 0x10)).isEqualTo(0x10);
        assertThat(SeqNum.min(NEAR_WRAP, 0x10)).isEqualTo(NEAR_WRAP);
        assertThat(SeqNum.max(3, 3)).isEqualTo(3);
        assertThat(SeqNum.diff(0x10, NEAR_WRAP)).isEqualTo(0x20);
        assertThat(SeqNum.diff(NEAR_WRAP, 0x10)).isEqualTo(-0x20);
    }
}
