package io.jmtcp.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void formatsAndParsesMacAddresses() {
        assertThat(MacAddress.format(0x0200_0000_0001L)).isEqualTo("02:00:00:00:00:01");
        assertThat(MacAddress.format(MacAddress.BROADCAST)).isEqualTo("ff:ff:ff:ff:ff:ff");
        assertThat(MacAddress.parse("02:00:00:00:99:0A")).isEqualTo(0x0200_0000_990aL);
        assertThat(MacAddress.parse("ab:cd:ef:01:23:45")).isEqualTo(0xabcd_ef01_2345L);
        assertThat(MacAddress.parse(MacAddress.format(0x1234_5678_9abcL))).isEqualTo(0x1234_5678_9abcL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01", "0g:00:00:00:00:01",
        "02:00:00:00:00:1", " 2:00:00:00:00:01", "02:00:00:00:00:0\uff11", "02:00:00:00:00:01 "})
    void rejectsMalformedMacAddresses(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullMacAddress() {
        assertThatThrownBy(() -> MacAddress.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifiesMacAddresses() {
        assertThat(MacAddress.isBroadcast(MacAddress.BROADCAST)).isTrue();
        assertThat(MacAddress.isMulticast(MacAddress.BROADCAST)).isTrue();
        assertThat(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01"))).isTrue();
        assertThat(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:99:01"))).isFalse();
        assertThat(MacAddress.isBroadcast(MacAddress.parse("02:00:00:00:99:01"))).isFalse();
    }

    @Test
    void readsAndWritesMacAddressesBigEndianAtAnyOffset() {
        ByteBuffer buffer = Hex.filled(6, 0xa5);
        MacAddress.put(buffer, Hex.OFFSET, 0x0102_0304_0506L);
        assertThat(Hex.of(buffer, Hex.OFFSET - 1, 8)).isEqualTo("a5010203040506a5");
        assertThat(MacAddress.get(buffer, Hex.OFFSET)).isEqualTo(0x0102_0304_0506L);
        buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(MacAddress.get(buffer, Hex.OFFSET)).isEqualTo(0x0102_0304_0506L);
    }

    @Test
    void formatsAndParsesIpv4Addresses() {
        assertThat(Ipv4Address.format(0xc612_6301)).isEqualTo("198.18.99.1");
        assertThat(Ipv4Address.format(0)).isEqualTo("0.0.0.0");
        assertThat(Ipv4Address.format(-1)).isEqualTo("255.255.255.255");
        assertThat(Ipv4Address.parse("198.18.99.2")).isEqualTo(0xc612_6302);
        assertThat(Ipv4Address.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Address.parse("0.0.0.0")).isZero();
        assertThat(Ipv4Address.parse("10.0.100.200")).isEqualTo(0x0a00_64c8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1..3.4", "1.2.3.",
        ".1.2.3", "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "-1.2.3.4", "1.2.3.1000", "0x1.2.3.4", "1.2.3.\u0664",
        "999.1.1.1", "1.2.3.4."})
    void rejectsMalformedIpv4Addresses(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifiesIpv4Addresses() {
        assertThat(Ipv4Address.isMulticast(Ipv4Address.parse("224.0.0.1"))).isTrue();
        assertThat(Ipv4Address.isMulticast(Ipv4Address.parse("239.255.255.255"))).isTrue();
        assertThat(Ipv4Address.isMulticast(Ipv4Address.parse("240.0.0.1"))).isFalse();
        assertThat(Ipv4Address.isMulticast(Ipv4Address.parse("223.255.255.255"))).isFalse();
        assertThat(Ipv4Address.isBroadcast(Ipv4Address.parse("255.255.255.255"))).isTrue();
        assertThat(Ipv4Address.isBroadcast(Ipv4Address.parse("198.18.99.255"))).isFalse();
        assertThat(Ipv4Address.isLoopback(Ipv4Address.parse("127.0.0.1"))).isTrue();
        assertThat(Ipv4Address.isLoopback(Ipv4Address.parse("127.255.0.9"))).isTrue();
        assertThat(Ipv4Address.isLoopback(Ipv4Address.parse("128.0.0.1"))).isFalse();
    }
}
