package io.jmtcp.engine.wire;

/**
 * Frames captured from the Linux kernel (6.18) talking to itself across a veth pair between two
 * network namespaces, jmtwire-a (198.18.99.1, MAC 02:00:00:00:99:01) and jmtwire-b
 * (198.18.99.2, MAC 02:00:00:00:99:02), transmit checksum offload off so that the captured
 * checksums are the final ones. {@code capture-frames.sh} next to this file made them:
 * {@code tcpdump -w} on jmtw-a while the kernel ran {@code ping}, {@code ping -s 3000} (MTU 1500,
 * so three fragments), a Python TCP client/server exchange, and Python UDP sends (one to a closed
 * port, which the kernel answered with ICMP port unreachable). Frame numbers are those of that
 * capture; every checksum in it was verified by tshark. The hex was dumped from the pcap
 * with a short Python script; the namespaces were deleted afterwards.
 */
final class CapturedFrames {

    private CapturedFrames() {
    }

    /** ARP request who-has 198.18.99.2 tell 198.18.99.1 (frame 1); 42 bytes. */
    static final String ARP_REQUEST = """
            ffffffffffff02000000990108060001080006040001020000009901c6126301000000000000c6126302
            """;

    /** ARP reply 198.18.99.2 is-at 02:00:00:00:99:02 (frame 2); 42 bytes. */
    static final String ARP_REPLY = """
            02000000990102000000990208060001080006040002020000009902c6126302020000009901c6126301
            """;

    /** ICMP echo request 198.18.99.1 -> .2, id 0x16d1 seq 1, 56 data bytes (frame 3); 98 bytes. */
    static final String ICMP_ECHO_REQUEST = """
            020000009902020000009901080045000054399140004001aeefc6126301c612630208001d4b16d10001e3df0a6b0000
            000015c5010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435
            3637
            """;

    /** ICMP echo reply 198.18.99.2 -> .1 (frame 4); 98 bytes. */
    static final String ICMP_ECHO_REPLY = """
            020000009901020000009902080045000054433b00004001e545c6126302c61263010000254b16d10001e3df0a6b0000
            000015c5010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435
            3637
            """;

    /** first fragment of `ping -s 3000`: MF, offset 0, total length 1500 (frame 5); 1514 bytes. */
    static final String IP_FIRST_FRAGMENT = """
            0200000099020200000099010800450005dc399220004001c966c6126301c61263020800825d16d20001e3df0a6b0000
            00008fd6010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435
            363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465
            666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495
            969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5
            c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5
            f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425
            262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455
            565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485
            868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5
            b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5
            e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415
            161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445
            464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475
            767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5
            a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5
            d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405
            060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435
            363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465
            666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495
            969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5
            c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5
            f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425
            262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455
            565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485
            868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5
            b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5
            e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415
            161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445
            464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475
            767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5
            a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
            """;

    /** last fragment of `ping -s 3000`: offset 2960, 48 data bytes (frame 7); 82 bytes. */
    static final String IP_LAST_FRAGMENT = """
            020000009902020000009901080045000044399201724001ed8cc6126301c612630288898a8b8c8d8e8f909192939495
            969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7
            """;

    /** 802.1Q-tagged (PCP 5, VID 100) ICMP echo request 198.18.100.1 -> .2; built by scapy and sent through AF_PACKET, because this kernel has no CONFIG_VLAN_8021Q (frame 11); 63 bytes. */
    static final String VLAN_ICMP_ECHO_REQUEST = """
            0200000099020200000099018100a06408004500002d123440004001d473c6126401c61264020800767a00770001766c
            616e2d746167676564206a6d746370
            """;

    /** TCP SYN 198.18.99.1:34182 -> 198.18.99.2:5000 with MSS 1460, SACK-permitted, timestamps, NOP, WS 10 (frame 12); 74 bytes. */
    static final String TCP_SYN = """
            02000000990202000000990108004500003cafaf4000400638e4c6126301c6126302858613889905ca7c00000000a002
            faf05fdd0000020405b40402080a7c3f2236000000000103030a
            """;

    /** TCP SYN-ACK 5000 -> 34182, same options (frame 13); 74 bytes. */
    static final String TCP_SYN_ACK = """
            02000000990102000000990208004500003c000040004006e893c6126302c612630113888586b84d1e6c9905ca7da012
            fe8800c10000020405b40402080a589e2c1b7c3f22360103030a
            """;

    /** TCP PSH|ACK carrying "hello jmtcp\n" with NOP NOP TS (frame 15); 78 bytes. */
    static final String TCP_DATA = """
            020000009902020000009901080045000040afb14000400638dec6126301c6126302858613889905ca7db84d1e6d8018
            003f9af800000101080a7c3f2236589e2c1b68656c6c6f206a6d7463700a
            """;

    /** TCP FIN|ACK from the client (frame 19); 66 bytes. */
    static final String TCP_FIN_ACK = """
            020000009902020000009901080045000034afb34000400638e8c6126301c6126302858613889905ca89b84d1e7e8011
            003f2dbc00000101080a7c3f2236589e2c1b
            """;

    /** UDP 198.18.99.1:40001 -> 198.18.99.2:5001 "udp hello jmtcp" (frame 22); 57 bytes. */
    static final String UDP_DATAGRAM = """
            02000000990202000000990108004500002bb25e40004011363bc6126301c61263029c41138900178584756470206865
            6c6c6f206a6d746370
            """;

    /** UDP 40001 -> 5002 "nobody home", a port nobody listens on (frame 23); 53 bytes. */
    static final String UDP_TO_CLOSED_PORT = """
            020000009902020000009901080045000027b25f40004011363ec6126301c61263029c41138a0013d3a56e6f626f6479
            20686f6d65
            """;

    /** the kernel's ICMP port unreachable for the datagram above (frame 24); 81 bytes. */
    static final String ICMP_PORT_UNREACHABLE = """
            020000009901020000009902080045c00043443f00004001e392c6126302c612630103034f4a0000000045000027b25f
            40004011363ec6126301c61263029c41138a0013d3a56e6f626f647920686f6d65
            """;
}
