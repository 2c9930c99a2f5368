package io.jmtcp.provider.shm;

import io.jmtcp.engine.dev.DeviceSpec;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDeviceProvider;
import java.nio.file.Path;

/**
 * Opens {@code shm:<path>[,slots=N][,frame=BYTES][,spin=MICROS][,park=MICROS][,timeout=MS]}: the
 * first process to open a path creates the wire (side A), the second attaches (side B), a third
 * is refused. Registered through {@code META-INF/services}.
 */
public final class ShmDeviceProvider implements NetDeviceProvider {

    @Override
    public String scheme() {
        return "shm";
    }

    @Override
    public String usage() {
        return "shm:<path>[,slots=N][,frame=BYTES][,spin=MICROS][,park=MICROS][,timeout=MS]  two processes joined by"
                + " a memory-mapped file (e.g. /dev/shm/x.wire): the first creates it, the second attaches; no root";
    }

    @Override
    public NetDevice open(DeviceSpec spec, int queues, int mtu) {
        spec.requireOnly("slots", "frame", "spin", "park", "timeout");
        if (spec.name().isEmpty()) {
            throw new IllegalArgumentException("device '" + spec + "': the shm device needs a file path, e.g. "
                    + "shm:/dev/shm/jmtcp.wire");
        }
        int slots = spec.intParam("slots", 0, 2, ShmLayout.MAX_SLOTS);
        if (slots != 0 && Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("device '" + spec + "': slots=" + slots + " is not a power of two");
        }
        int frame = spec.intParam("frame", 0, ShmLayout.MIN_FRAME, ShmLayout.MAX_FRAME);
        ShmDevice.Options defaults = ShmDevice.Options.defaults();
        long spin = spec.intParam("spin", (int) (defaults.spinNanos() / 1000), 0, 1_000_000) * 1000L;
        long park = spec.intParam("park", (int) (defaults.maxParkNanos() / 1000), 50, 1_000_000) * 1000L;
        long timeout = spec.intParam("timeout", (int) (defaults.peerTimeoutNanos() / 1_000_000), 200, 3_600_000)
                * 1_000_000L;
        return ShmDevice.open(Path.of(spec.name()), queues, mtu, new ShmDevice.Options(slots, frame, spin, park, timeout));
    }
}
