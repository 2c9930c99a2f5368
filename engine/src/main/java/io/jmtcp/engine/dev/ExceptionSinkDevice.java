package io.jmtcp.engine.dev;

/**
 * A decorator that gives any device an exception path: {@link #exceptionSink} answers with the
 * sink of the queue given at construction, everything else goes to the wrapped device. Used to
 * attach a software sink (a {@link RingExceptionSink}) to a device that has none of its own,
 * e.g. a {@link PairDevice} end in tests, or a TAP whose frames the application relays itself.
 *
 * <p>Threading follows {@link NetDevice}; each queue's sink is called by that queue's owner only.
 */
public final class ExceptionSinkDevice extends ForwardingDevice {

    private final ExceptionSink[] sinks;

    /**
     * @param inner the device
     * @param sinks one sink per queue of {@code inner} (an entry may be null: that queue has none)
     */
    public ExceptionSinkDevice(NetDevice inner, ExceptionSink... sinks) {
        super(inner, "exc");
        if (sinks.length != inner.capabilities().queues()) {
            throw new IllegalArgumentException("one exception sink per queue: the device has "
                    + inner.capabilities().queues() + ", got " + sinks.length);
        }
        this.sinks = sinks.clone();
    }

    @Override
    public ExceptionSink exceptionSink(int queue) {
        return sinks[queue];
    }
}
