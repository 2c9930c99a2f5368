package io.jmtcp.provider.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shm wire within one JVM: layout, rings, the open protocol and every refusal it makes. */
@Timeout(60)
class ShmDeviceTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Path file() {
        return dir.resolve("test.wire");
    }

    private ShmDevice device(int slots) {
        ShmDevice d = ShmDevice.open(file(), 1, 1500, new ShmDevice.Options(slots, 0, 20_000, 1_000_000, 3_000_000_000L));
        open.add(d);
        return d;
    }

    private ShmWire wire(int queues) {
        ShmWire w = ShmWire.open(file(), new ShmWire.Request(queues, 8, 0, 1500));
        open.add(w);
        return w;
    }

    /** Transmits one frame per byte in {@code marks}, each 60 bytes filled with its mark. */
    private static int send(NetDevice d, FrameBatch batch, int... marks) {
        int acquired = 0;
        for (int mark : marks) {
            int i = d.txAcquire(0, batch);
            if (i < 0) {
                break;
            }
            ByteBuffer b = batch.buffer(i);
            for (int k = 0; k < 60; k++) {
                b.put(batch.offset(i) + k, (byte) mark);
            }
            batch.length(i, 60);
            acquired++;
        }
        d.txBurst(0, batch);
        return acquired;
    }

    private static List<Integer> receive(NetDevice d, FrameBatch batch) {
        List<Integer> marks = new ArrayList<>();
        d.rxBurst(0, batch);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(batch.length(i)).isEqualTo(60);
            int mark = batch.buffer(i).get(batch.offset(i)) & 0xff;
            assertThat(batch.buffer(i).get(batch.offset(i) + 59) & 0xff).isEqualTo(mark);
            marks.add(mark);
        }
        d.rxRelease(0, batch);
        return marks;
    }

    @Test
    void firstOpenCreatesSideASecondAttachesSideBThirdIsRefusedNamingThePids() {
        ShmDevice a = device(8);
        ShmDevice b = device(0);
        long pid = ProcessHandle.current().pid();
        assertThat(a.wire().side()).isZero();
        assertThat(b.wire().side()).isOne();
        assertThat(a.macAddress()).isNotEqualTo(b.macAddress());
        assertThat(b.wire().layout()).as("the attacher adopts the creator's geometry").isEqualTo(a.wire().layout());
        assertThat(a.capabilities().mtu()).isEqualTo(1500);
        assertThatThrownBy(() -> device(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("in use by pid " + pid + " (side A) and pid " + pid + " (side B)");
    }

    @Test
    void framesCrossBothWaysAndWrapAroundTheRingsInOrder() {
        ShmDevice a = device(4);
        ShmDevice b = device(0);
        FrameBatch tx = new FrameBatch(8);
        FrameBatch rx = new FrameBatch(8);
        int mark = 0;
        for (int round = 0; round < 50; round++) { // 150 frames through 4 slots: many wraps
            assertThat(send(a, tx, mark, mark + 1, mark + 2)).isEqualTo(3);
            assertThat(receive(b, rx)).containsExactly(mark & 0xff, (mark + 1) & 0xff, (mark + 2) & 0xff);
            assertThat(send(b, tx, mark + 3)).isOne();
            assertThat(receive(a, rx)).containsExactly((mark + 3) & 0xff);
            mark += 4;
        }
        assertThat(a.counter(DeviceCounter.TX_DROPPED_FULL) + b.counter(DeviceCounter.TX_DROPPED_FULL)).isZero();
    }

    @Test
    void fullRingPushesBackUntilThePeerReleases() {
        ShmDevice a = device(4);
        ShmDevice b = device(0);
        FrameBatch tx = new FrameBatch(8);
        FrameBatch rx = new FrameBatch(8);
        assertThat(send(a, tx, 1, 2, 3, 4, 5, 6)).as("4 slots").isEqualTo(4);
        assertThat(a.counter(DeviceCounter.TX_DROPPED_FULL)).isOne();
        assertThat(a.txAcquire(0, tx)).as("still full").isEqualTo(-1);
        assertThat(b.rxBurst(0, rx)).isEqualTo(4);
        assertThat(a.txAcquire(0, tx)).as("borrowed frames still hold their slots").isEqualTo(-1);
        b.rxRelease(0, rx);
        tx.clear();
        assertThat(send(a, tx, 7, 8)).isEqualTo(2);
        assertThat(receive(b, rx)).containsExactly(7, 8);
    }

    @Test
    void framesSentBeforeThePeerAttachesAreDroppedAsNoCarrier() {
        ShmDevice a = device(4);
        FrameBatch batch = new FrameBatch(8);
        assertThat(a.carrier()).isFalse();
        assertThat(send(a, batch, 1, 2, 3, 4, 5, 6)).as("no carrier: frames are taken and dropped").isEqualTo(6);
        assertThat(a.counter(DeviceCounter.TX_ERRORS)).isEqualTo(6);
        ShmDevice b = device(0);
        assertThat(receive(b, batch)).isEmpty();
        assertThat(send(a, batch, 9)).isOne();
        assertThat(a.carrier()).isTrue();
        assertThat(receive(b, batch)).containsExactly(9);
    }

    @Test
    void awaitRxReturnsForAFrameFromThePeerAndForALocalWakeup() throws Exception {
        ShmDevice a = device(4);
        ShmDevice b = device(0);
        long t0 = System.nanoTime();
        b.awaitRx(0, 200_000_000L);
        assertThat(System.nanoTime() - t0).as("idle: waits out the timeout").isGreaterThanOrEqualTo(150_000_000L);

        Thread sender = new Thread(() -> {
            sleep(50);
            send(a, new FrameBatch(2), 42);
        });
        sender.start();
        t0 = System.nanoTime();
        b.awaitRx(0, 5_000_000_000L);
        assertThat(System.nanoTime() - t0).as("woken by the frame within a park interval").isLessThan(2_000_000_000L);
        sender.join();
        assertThat(receive(b, new FrameBatch(2))).containsExactly(42);

        Thread waker = new Thread(() -> {
            sleep(50);
            b.wakeup(0);
        });
        waker.start();
        t0 = System.nanoTime();
        b.awaitRx(0, 5_000_000_000L);
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
        waker.join();
    }

    /** A wire whose receivers would poll only once a second: only a doorbell wakes them sooner. */
    private ShmDevice[] slowPollingPair() {
        ShmDevice.Options slow = new ShmDevice.Options(8, 0, 0, 1_000_000_000L, 3_000_000_000L);
        ShmDevice a = ShmDevice.open(file(), 1, 1500, slow);
        open.add(a);
        ShmDevice b = ShmDevice.open(file(), 1, 1500, slow);
        open.add(b);
        assertThat(a.hasDoorbells()).as("loopback UDP doorbells open").isTrue();
        assertThat(b.hasDoorbells()).isTrue();
        return new ShmDevice[] {a, b};
    }

    @Test
    void aSleepingReceiverIsWokenByThePeersDoorbellNotByItsPollInterval() throws Exception {
        ShmDevice[] pair = slowPollingPair();
        ShmDevice a = pair[0];
        ShmDevice b = pair[1];
        for (int round = 0; round < 5; round++) {
            int mark = round;
            Thread sender = new Thread(() -> {
                sleep(30); // b is asleep by then
                send(a, new FrameBatch(4), mark, mark + 1, mark + 2);
            });
            long rung = a.doorbellsRung();
            sender.start();
            long t0 = System.nanoTime();
            b.awaitRx(0, 10_000_000_000L);
            long waited = System.nanoTime() - t0;
            sender.join();
            assertThat(waited).as("woken by the doorbell, not by the 1 s poll").isLessThan(500_000_000L);
            assertThat(a.doorbellsRung() - rung).as("one ring for a burst to a sleeper").isOne();
            assertThat(receive(b, new FrameBatch(4))).containsExactly(mark, mark + 1, mark + 2);
        }
        assertThat(b.sleeps()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aSleeperIsRungOncePerSleepHoweverManyBurstsReachIt() throws Exception {
        ShmDevice[] pair = slowPollingPair();
        ShmDevice a = pair[0];
        ShmDevice b = pair[1];
        Thread receiver = new Thread(() -> b.awaitRx(0, 10_000_000_000L));
        receiver.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (a.wire().peerParkNanos(0) <= 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(a.wire().peerParkNanos(0)).as("b announced its sleep").isPositive();
        FrameBatch batch = new FrameBatch(4);
        for (int i = 0; i < 3; i++) {
            send(a, batch, i);
        }
        receiver.join(5000);
        assertThat(receiver.isAlive()).isFalse();
        assertThat(a.doorbellsRung()).as("the first burst claims the sleep; the others see it rung or awake").isOne();
        assertThat(receive(b, new FrameBatch(4))).containsExactly(0, 1, 2);
        send(a, batch, 9);
        assertThat(a.doorbellsRung()).as("an awake receiver is not rung").isOne();
        assertThat(receive(b, new FrameBatch(4))).containsExactly(9);
    }

    @Test
    void aLocalWakeupRingsTheDoorbellOfASleepingEngine() throws Exception {
        ShmDevice b = slowPollingPair()[1];
        for (int round = 0; round < 3; round++) {
            Thread waker = new Thread(() -> {
                sleep(30);
                b.wakeup(0);
            });
            waker.start();
            long t0 = System.nanoTime();
            b.awaitRx(0, 10_000_000_000L);
            assertThat(System.nanoTime() - t0).isLessThan(500_000_000L);
            waker.join();
        }
    }

    @Test
    void peerClosingTakesTheLinkDownAndEveryBurstThrowsNamingThePeer() throws Exception {
        ShmDevice a = device(4);
        ShmDevice b = device(0);
        b.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        UncheckedIOException thrown = null;
        while (thrown == null && System.nanoTime() < deadline) {
            try {
                a.awaitRx(0, 50_000_000L); // the monitor's wakeup ends the wait; the wait then throws
            } catch (UncheckedIOException e) {
                thrown = e;
            }
        }
        assertThat(thrown).isNotNull();
        assertThat(thrown.getCause()).isSameAs(a.linkDown());
        assertThat(a.linkDown()).isNotNull();
        assertThat(a.linkDown().getMessage()).contains(file().toString(), "peer pid " + ProcessHandle.current().pid(),
                "side B", "closed the wire", "link is down");
        FrameBatch batch = new FrameBatch(4);
        assertThatThrownBy(() -> a.rxBurst(0, batch)).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> a.txAcquire(0, batch)).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> a.awaitRx(0, 1_000_000L)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void sideARemovesTheFileOnCloseSideBDoesNot() {
        ShmDevice a = device(4);
        ShmDevice b = device(0);
        b.close();
        assertThat(file()).exists();
        a.close();
        assertThat(file()).doesNotExist();
    }

    @Test
    void aFileLeftByADeadProcessIsReinitialised() throws Exception {
        ShmWire first = wire(1);
        long dead = deadPid();
        VarHandle longs = ShmLayout.LONGS;
        longs.set(first.memory(), ShmLayout.SIDE_A_OFFSET + ShmLayout.SIDE_PID, dead);
        ShmWire again = wire(1);
        assertThat(again.side()).as("recovered as creator").isZero();
        assertThat(again.recovered()).isTrue();
        assertThat(again.generation()).isEqualTo(first.generation() + 1);
    }

    @Test
    void aLiveSideAWhoseSideBDiedIsRefusedNamingBothPids() throws Exception {
        wire(1);
        ShmWire b = wire(1);
        long dead = deadPid();
        ShmLayout.LONGS.set(b.memory(), ShmLayout.SIDE_B_OFFSET + ShmLayout.SIDE_PID, dead);
        long me = ProcessHandle.current().pid();
        assertThatThrownBy(() -> wire(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("side A (pid " + me + ") is live but its peer (side B, pid " + dead + ")");
    }

    @Test
    void attachRefusesAGeometryThatDiffersFromTheFile() {
        wire(1);
        assertThatThrownBy(() -> ShmWire.open(file(), new ShmWire.Request(2, 0, 0, 0)))
                .hasMessageContaining("1 queue(s) but this stack wants 2").hasMessageContaining("jmtcp.engines=1");
        assertThatThrownBy(() -> ShmWire.open(file(), new ShmWire.Request(1, 16, 0, 0))).hasMessageContaining("slots=8 but slots=16");
        assertThatThrownBy(() -> ShmWire.open(file(), new ShmWire.Request(1, 0, 4096, 0)))
                .hasMessageContaining("frame=1536 but frame=4096");
        assertThatThrownBy(() -> ShmWire.open(file(), new ShmWire.Request(1, 0, 0, 9000))).hasMessageContaining(
                "mtu 1500 but jmtcp.mtu=9000");
    }

    @Test
    void everyBadHeaderFieldIsRejectedNamingTheFileAndTheField() {
        expectRejected(m -> ShmLayout.LONGS.setVolatile(m, ShmLayout.MAGIC_OFFSET, 0x1234L), "bad magic 0x1234");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.VERSION_OFFSET, 99), "layout version 99");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.QUEUES_OFFSET, 0), "queues=0");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.SLOTS_OFFSET, 6), "slots=6 is not a power of two");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.FRAME_OFFSET, 64), "frame=64");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.MTU_OFFSET, 9000), "mtu 9000 does not fit");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.HEADER_BYTES_OFFSET, 100), "header bytes 100");
        expectRejected(m -> ShmLayout.LONGS.set(m, ShmLayout.FILE_BYTES_OFFSET, 5L), "file bytes 5");
        expectRejected(m -> ShmLayout.INTS.set(m, ShmLayout.SIDE_B_OFFSET + ShmLayout.SIDE_STATE, 7), "side B state 7");
    }

    /** Corrupts one field of a file whose side A is live (this JVM), then tries to attach. */
    private void expectRejected(Consumer<ByteBuffer> corrupt, String message) {
        ShmWire a = ShmWire.open(file(), new ShmWire.Request(1, 8, 0, 1500));
        try {
            corrupt.accept(a.memory());
            assertThatThrownBy(() -> ShmWire.open(file(), new ShmWire.Request(1, 0, 0, 0)))
                    .as(message).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shm wire " + file()).hasMessageContaining(message);
        } finally {
            ShmLayout.LONGS.setVolatile(a.memory(), ShmLayout.MAGIC_OFFSET, 0L);
            try {
                Files.deleteIfExists(file());
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void filesThatAreNotWiresAreNeverOverwritten() throws Exception {
        Files.write(file(), new byte[100]);
        assertThatThrownBy(() -> wire(1)).hasMessageContaining("100 bytes is too short")
                .hasMessageContaining(file().toString());
        Files.write(file(), new byte[8192]);
        assertThatThrownBy(() -> wire(1)).hasMessageContaining("bad magic 0x0");
        assertThat(Files.size(file())).isEqualTo(8192);
    }

    @Test
    void providerOpensTheDeviceStringAndRejectsBadParameters() {
        assertThat(NetDevices.providers()).containsKey("shm");
        NetDevice a = NetDevices.open("shm:" + file() + ",slots=16,frame=2048", 1, 0);
        open.add(a);
        assertThat(a.capabilities().mtu()).isEqualTo(2030);
        assertThat(a.capabilities().frameCapacity()).isEqualTo(2048);
        assertThat(((ShmDevice) a).wire().layout().slots()).isEqualTo(16);
        NetDevice b = NetDevices.open("shm:" + file(), 1, 0);
        open.add(b);
        assertThat(b.capabilities()).isEqualTo(a.capabilities());
        assertThatThrownBy(() -> NetDevices.open("shm:" + dir.resolve("x") + ",slots=3", 1, 0))
                .hasMessageContaining("slots=3 is not a power of two");
        assertThatThrownBy(() -> NetDevices.open("shm:" + dir.resolve("x") + ",size=3", 1, 0))
                .hasMessageContaining("unknown parameter 'size'");
        assertThatThrownBy(() -> NetDevices.open("shm", 1, 0)).hasMessageContaining("needs a file path");
    }

    @Test
    void defaultsAreTheLoopbackMtuAnd1024Slots() {
        NetDevice a = NetDevices.open("shm:" + file(), 1, 0);
        open.add(a);
        assertThat(a.capabilities().mtu()).isEqualTo(16384);
        assertThat(((ShmDevice) a).wire().layout().slots()).isEqualTo(1024);
    }

    /** The pid of a process that ran and has been reaped. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        long pid = p.pid();
        p.waitFor();
        return pid;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
