package io.jmtcp.engine.soak;

import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.ForwardingDevice;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;

/**
 * A device that passes frames straight through until {@link #impair()} is called, and through a
 * {@link FaultInjectingDevice} over the same device afterwards. The soak lets ARP settle on a
 * clean wire first: ARP carries no checksum, so a corrupted ARP reply would poison a cache in a
 * way no receiver can detect (on a real wire the Ethernet FCS catches it; the injector models
 * corruption the FCS missed, which only the IP, TCP and ICMP checksums can catch).
 *
 * <p>Switch only between duty cycles, while the engine holds no acquired transmit frame.
 */
final class ImpairmentGate extends ForwardingDevice {

    private final FaultInjectingDevice fault;
    private volatile NetDevice current;

    ImpairmentGate(FaultInjectingDevice fault) {
        super(fault.inner(), "gate");
        this.fault = fault;
        this.current = inner;
    }

    /** From now on every transmitted frame goes through the fault injector. */
    void impair() {
        current = fault;
    }

    FaultInjectingDevice fault() {
        return fault;
    }

    @Override
    public String name() {
        return fault.name();
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        return current.rxBurst(queue, batch);
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        current.rxRelease(queue, batch);
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        return current.txAcquire(queue, batch);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        return current.txBurst(queue, batch);
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        current.awaitRx(queue, timeoutNanos);
    }

    @Override
    public void close() {
        fault.close();
    }
}
