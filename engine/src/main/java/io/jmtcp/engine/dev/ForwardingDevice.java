package io.jmtcp.engine.dev;

/**
 * A decorator base: every {@link NetDevice} method goes to the wrapped device unless a subclass
 * overrides it (fault injection, pcap capture, tracing).
 *
 * <p>Threading follows {@link NetDevice}: each queue's methods are called by its owning thread.
 */
public abstract class ForwardingDevice implements NetDevice {

    /** The wrapped device. */
    protected final NetDevice inner;
    private final String name;

    protected ForwardingDevice(NetDevice inner, String prefix) {
        if (inner == null) {
            throw new NullPointerException("the inner device is required");
        }
        this.inner = inner;
        this.name = prefix + ":" + inner.name();
    }

    /** The wrapped device. */
    public NetDevice inner() {
        return inner;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public long macAddress() {
        return inner.macAddress();
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        return inner.rxBurst(queue, batch);
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        inner.rxRelease(queue, batch);
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        return inner.txAcquire(queue, batch);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        return inner.txBurst(queue, batch);
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        inner.awaitRx(queue, timeoutNanos);
    }

    @Override
    public void wakeup(int queue) {
        inner.wakeup(queue);
    }

    @Override
    public long counter(DeviceCounter counter) {
        return inner.counter(counter);
    }

    @Override
    public ExceptionSink exceptionSink(int queue) {
        return inner.exceptionSink(queue);
    }

    @Override
    public void close() {
        inner.close();
    }
}
