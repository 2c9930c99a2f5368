package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.SETTLE_MS;
import static io.jmtcp.it.contract.ContractSupport.SHORT_MS;
import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.ascii;
import static io.jmtcp.it.contract.ContractSupport.awaitSelected;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.ops;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.readFully;
import static io.jmtcp.it.contract.ContractSupport.receiveLeavingPending;
import static io.jmtcp.it.contract.ContractSupport.sleep;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Selector semantics as the JDK implements them and the frameworks rely on them: level-triggered
 * readiness, timeouts that never end early for no reason, wakeup/close/interrupt, the Java 11
 * {@code select(Consumer)} forms, cancellation and re-registration, interest changes, ready sets
 * that accumulate while a key stays selected, several selectors per channel, Netty's rebuild.
 */
public final class SelectorCases {

    private SelectorCases() {}

    private static long msSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    // ---------------------------------------------------------------- timeouts and wakeups

    public static void selectWithTimeoutReturnsZeroAfterTheTimeout() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            p.accepted().register(selector, SelectionKey.OP_READ);
            long start = System.nanoTime();
            checkEquals(0, selector.select(SHORT_MS), "select(timeout) with nothing ready");
            long ms = msSince(start);
            check(ms >= SHORT_MS - 20, "select(%d) returned 0 after only %d ms (frameworks rebuild selectors that do this)", SHORT_MS, ms);
        }
    }

    public static void emptySelectorWaitsForTheTimeout() throws Exception {
        try (Selector selector = Selector.open()) {
            long start = System.nanoTime();
            checkEquals(0, selector.select(SHORT_MS), "select(timeout) on an empty selector");
            check(msSince(start) >= SHORT_MS - 20, "empty select(%d) returned after %d ms", SHORT_MS, msSince(start));
        }
    }

    public static void unrelatedTrafficDoesNotEndASelectEarly() throws Exception {
        try (Pair idle = pair(); Pair busy = pair(); Selector selector = Selector.open()) {
            idle.accepted().configureBlocking(false);
            idle.accepted().register(selector, SelectionKey.OP_READ);
            Background<Long> traffic = background("traffic", () -> {
                long n = 0;
                for (int i = 0; i < 20; i++) {
                    writeFully(busy.client(), ascii("noise"));
                    n += readFully(busy.accepted(), 5).position();
                    Thread.sleep(10);
                }
                return n;
            });
            long start = System.nanoTime();
            checkEquals(0, selector.select(SHORT_MS), "select on an idle channel while other connections carry data");
            check(msSince(start) >= SHORT_MS - 20, "select(%d) returned after %d ms", SHORT_MS, msSince(start));
            traffic.await(LONG_MS);
        }
    }

    public static void selectNowReturnsZeroWhenNothingIsReady() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            p.accepted().register(selector, SelectionKey.OP_READ);
            checkEquals(0, selector.selectNow(), "selectNow with nothing ready");
            check(selector.selectedKeys().isEmpty(), "selected set not empty");
        }
    }

    public static void wakeupBeforeSelectMakesItReturnImmediately() throws Exception {
        try (Selector selector = Selector.open()) {
            selector.wakeup();
            long start = System.nanoTime();
            checkEquals(0, selector.select(LONG_MS), "select after an earlier wakeup");
            check(msSince(start) < LONG_MS / 2, "select after wakeup took %d ms", msSince(start));
        }
    }

    public static void wakeupFromAnotherThreadEndsABlockedSelect() throws Exception {
        try (Selector selector = Selector.open()) {
            Background<Integer> selecting = background("select", selector::select);
            sleep(SETTLE_MS);
            check(!selecting.isDone(), "select() without timeout returned with nothing ready");
            selector.wakeup();
            checkEquals(0, selecting.await(LONG_MS), "select() ended by wakeup");
        }
    }

    public static void wakeupEffectIsClearedBySelectNow() throws Exception {
        try (Selector selector = Selector.open()) {
            selector.wakeup();
            checkEquals(0, selector.selectNow(), "selectNow after wakeup");
            long start = System.nanoTime();
            selector.select(SHORT_MS);
            check(msSince(start) >= SHORT_MS - 20, "selectNow did not clear the pending wakeup: select(%d) took %d ms",
                    SHORT_MS, msSince(start));
        }
    }

    public static void severalWakeupsEndOnlyOneSelect() throws Exception {
        try (Selector selector = Selector.open()) {
            selector.wakeup();
            selector.wakeup();
            selector.wakeup();
            long start = System.nanoTime();
            selector.select(LONG_MS);
            check(msSince(start) < LONG_MS / 2, "select after wakeups took %d ms", msSince(start));
            start = System.nanoTime();
            selector.select(SHORT_MS);
            check(msSince(start) >= SHORT_MS - 20, "second select after three wakeups returned after %d ms", msSince(start));
        }
    }

    public static void closingTheSelectorEndsABlockedSelect() throws Exception {
        Selector selector = Selector.open();
        Background<Integer> selecting = background("select", selector::select);
        sleep(SETTLE_MS);
        check(!selecting.isDone(), "select() returned with nothing ready");
        selector.close();
        checkEquals(0, selecting.await(LONG_MS), "select() ended by close");
        check(!selector.isOpen(), "selector still open after close");
    }

    public static void interruptEndsABlockedSelectAndKeepsTheStatus() throws Exception {
        try (Selector selector = Selector.open()) {
            Background<Boolean> selecting = background("select", () -> {
                selector.select();
                return Thread.currentThread().isInterrupted();
            });
            sleep(SETTLE_MS);
            check(!selecting.isDone(), "select() returned with nothing ready");
            selecting.thread.interrupt();
            checkEquals(true, selecting.await(LONG_MS), "interrupt status after select() returned");
            check(selector.isOpen(), "interrupting select() closed the selector");
        }
    }

    public static void selectWithInterruptStatusSetReturnsImmediately() throws Exception {
        try (Selector selector = Selector.open()) {
            Thread.currentThread().interrupt();
            long start = System.nanoTime();
            selector.select(LONG_MS);
            boolean stillInterrupted = Thread.interrupted();
            check(msSince(start) < LONG_MS / 2, "select with interrupt status set took %d ms", msSince(start));
            check(stillInterrupted, "select cleared the interrupt status");
        }
    }

    public static void blockedSelectReturnsWhenDataArrives() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            Background<Integer> selecting = background("select", selector::select);
            sleep(SETTLE_MS);
            check(!selecting.isDone(), "select() returned before data arrived");
            writeFully(p.client(), ascii("wake"));
            checkEquals(1, selecting.await(LONG_MS), "select() when data arrived");
            check(selector.selectedKeys().contains(key) && key.isReadable(), "key not selected readable");
        }
    }

    // ---------------------------------------------------------------- select(Consumer)

    public static void selectConsumerActsOnReadyKeysAndLeavesSelectedSetAlone() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            writeFully(p.client(), ascii("x"));
            List<SelectionKey> seen = new ArrayList<>();
            int n = selector.select(k -> seen.add(k), LONG_MS);
            checkEquals(1, n, "select(Consumer, timeout) count");
            checkEquals(List.of(key), seen, "keys given to the action");
            check(key.isReadable(), "ready set of the consumed key: %s", ops(key.readyOps()));
            check(selector.selectedKeys().isEmpty(), "select(Consumer) added keys to the selected set");
        }
    }

    public static void selectNowConsumerActsOnReadyKeys() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_WRITE);
            List<SelectionKey> seen = new ArrayList<>();
            checkEquals(1, selector.selectNow(seen::add), "selectNow(Consumer) count for a writable channel");
            checkEquals(List.of(key), seen, "keys given to the action");
            key.interestOps(0);
            checkEquals(0, selector.selectNow(k -> { }), "selectNow(Consumer) with write interest removed");
        }
    }

    public static void selectConsumerTimesOutWithZero() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            p.accepted().register(selector, SelectionKey.OP_READ);
            long start = System.nanoTime();
            checkEquals(0, selector.select(k -> {
                throw new AssertionError("action called with nothing ready");
            }, SHORT_MS), "select(Consumer, timeout) with nothing ready");
            check(msSince(start) >= SHORT_MS - 20, "select(Consumer, %d) returned after %d ms", SHORT_MS, msSince(start));
        }
    }

    // ---------------------------------------------------------------- readiness re-checks

    public static void keyRegisteredWhileDataIsPendingIsSelected() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            receiveLeavingPending(p.client(), p.accepted(), 10);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            awaitSelected(selector, key, SelectionKey.OP_READ);
            checkEquals(10, p.accepted().read(ByteBuffer.allocate(100)), "bytes pending when the key was registered");
        }
    }

    public static void interestChangeRechecksReadiness() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            receiveLeavingPending(p.client(), p.accepted(), 5);
            SelectionKey key = p.accepted().register(selector, 0);
            checkEquals(0, selector.select(SHORT_MS), "select with empty interest and data pending");
            key.interestOps(SelectionKey.OP_READ);
            awaitSelected(selector, key, SelectionKey.OP_READ);
        }
    }

    public static void interestChangedFromAnotherThreadIsSeenAfterWakeup() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            receiveLeavingPending(p.client(), p.accepted(), 5);
            SelectionKey key = p.accepted().register(selector, 0);
            Background<Integer> loop = background("select-loop", () -> {
                // an event loop: select until the key shows up
                long deadline = System.nanoTime() + LONG_MS * 1_000_000;
                while (System.nanoTime() < deadline) {
                    if (selector.select(LONG_MS) > 0 && selector.selectedKeys().contains(key)) {
                        return key.readyOps();
                    }
                }
                return -1;
            });
            sleep(SETTLE_MS);
            check(!loop.isDone(), "select returned with an empty interest set");
            key.interestOps(SelectionKey.OP_READ);
            selector.wakeup();
            checkEquals(SelectionKey.OP_READ, loop.await(LONG_MS), "ready ops seen by the loop after the interest change");
        }
    }

    public static void registerWhileAnotherThreadSelectsDoesNotBlock() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            Background<Integer> selecting = background("select", selector::select);
            sleep(SETTLE_MS);
            p.accepted().configureBlocking(false);
            Background<SelectionKey> registering = background("register",
                    () -> p.accepted().register(selector, SelectionKey.OP_READ));
            SelectionKey key = registering.await(LONG_MS);
            selector.wakeup();
            selecting.await(LONG_MS);
            writeFully(p.client(), ascii("x"));
            awaitSelected(selector, key, SelectionKey.OP_READ);
        }
    }

    // ---------------------------------------------------------------- ready sets

    public static void readyOpsAccumulateWhileTheKeyStaysSelected() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            awaitSelected(selector, key, SelectionKey.OP_WRITE);
            checkEquals(SelectionKey.OP_WRITE, key.readyOps(), "ready ops before data arrived");
            writeFully(p.client(), ascii("d"));
            // the key stays in the selected set: its ready set is updated, not replaced
            awaitSelected(selector, key, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            checkEquals(0, selector.selectNow(), "selectNow when a selected key's ready set did not change");
            checkEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, key.readyOps(), "ready ops kept in the selected set");
        }
    }

    public static void readyOpsAreResetWhenTheKeyReentersTheSelectedSet() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            writeFully(p.client(), ascii("d"));
            awaitSelected(selector, key, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            checkEquals(1, p.accepted().read(ByteBuffer.allocate(8)), "bytes read");
            selector.selectedKeys().clear();
            checkEquals(1, selector.selectNow(), "selectNow with the channel still writable");
            checkEquals(SelectionKey.OP_WRITE, key.readyOps(), "ready ops after re-entering the selected set");
        }
    }

    public static void levelTriggeredReadinessReselectsUntilDrained() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            writeFully(p.client(), ascii("abcd"));
            awaitSelected(selector, key, SelectionKey.OP_READ);
            ByteBuffer two = ByteBuffer.allocate(2);
            checkEquals(2, p.accepted().read(two), "first partial read");
            selector.selectedKeys().clear();
            checkEquals(1, selector.selectNow(), "selectNow with 2 unread bytes");
            checkEquals(2, p.accepted().read(ByteBuffer.allocate(8)), "rest of the data");
            selector.selectedKeys().clear();
            checkEquals(0, selector.selectNow(), "selectNow after draining");
        }
    }

    public static void opWriteReadyOnAFreshConnection() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_WRITE);
            checkEquals(1, selector.selectNow(), "selectNow for a writable fresh connection");
            check(key.isWritable() && !key.isReadable(), "ready ops %s", ops(key.readyOps()));
        }
    }

    public static void opAcceptSelectedForAPendingConnection() throws Exception {
        try (ServerSocketChannel server = listen(); Selector selector = Selector.open()) {
            server.configureBlocking(false);
            SelectionKey key = server.register(selector, SelectionKey.OP_ACCEPT);
            checkEquals(0, selector.selectNow(), "selectNow without clients");
            try (SocketChannel client = SocketChannel.open(addressOf(server))) {
                awaitSelected(selector, key, SelectionKey.OP_ACCEPT);
                try (SocketChannel accepted = server.accept()) {
                    check(accepted != null, "accept after OP_ACCEPT returned null");
                }
                selector.selectedKeys().clear();
                checkEquals(0, selector.selectNow(), "selectNow after the only connection was accepted");
            }
        }
    }

    public static void selectCountsEveryKeyThatBecameReady() throws Exception {
        try (Pair a = pair(); Pair b = pair(); Selector selector = Selector.open()) {
            a.accepted().configureBlocking(false);
            b.accepted().configureBlocking(false);
            SelectionKey ka = a.accepted().register(selector, SelectionKey.OP_READ);
            SelectionKey kb = b.accepted().register(selector, SelectionKey.OP_READ);
            writeFully(a.client(), ascii("a"));
            writeFully(b.client(), ascii("b"));
            int counted = 0;
            long deadline = System.nanoTime() + LONG_MS * 1_000_000;
            while (selector.selectedKeys().size() < 2 && System.nanoTime() < deadline) {
                counted += selector.select(LONG_MS);
            }
            checkEquals(Set.of(ka, kb), selector.selectedKeys(), "selected keys");
            checkEquals(2, counted, "sum of the counts select returned");
        }
    }

    // ---------------------------------------------------------------- keys

    public static void cancelledKeyLeavesTheKeySetAtTheNextSelect() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            key.cancel();
            check(!key.isValid(), "cancelled key still valid");
            check(selector.keys().contains(key), "cancelled key left the key set before a select");
            selector.selectNow();
            check(!selector.keys().contains(key), "cancelled key still in the key set after selectNow");
            check(!p.accepted().isRegistered(), "channel still registered after its only key was deregistered");
            checkEquals(null, p.accepted().keyFor(selector), "keyFor after deregistration");
            p.accepted().configureBlocking(true); // allowed once no longer registered
        }
    }

    public static void reRegistrationAfterCancelNeedsASelectFirst() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            key.cancel();
            expectThrows(CancelledKeyException.class, "register while the cancelled key is not yet deregistered",
                    () -> p.accepted().register(selector, SelectionKey.OP_READ));
            selector.selectNow();
            SelectionKey again = p.accepted().register(selector, SelectionKey.OP_READ, "again");
            check(again != key && again.isValid(), "re-registration gave the old key or an invalid one");
            writeFully(p.client(), ascii("r"));
            awaitSelected(selector, again, SelectionKey.OP_READ);
            checkEquals("again", again.attachment(), "attachment of the new key");
        }
    }

    public static void registeringAgainUpdatesTheSameKey() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey first = p.accepted().register(selector, SelectionKey.OP_READ, "one");
            SelectionKey second = p.accepted().register(selector, SelectionKey.OP_WRITE, "two");
            check(first == second, "a second register on the same selector returned a new key");
            checkEquals(SelectionKey.OP_WRITE, second.interestOps(), "interest after re-register");
            checkEquals("two", second.attachment(), "attachment after re-register");
            checkEquals(1, selector.keys().size(), "keys in the selector");
        }
    }

    public static void attachmentsAreKeptAndReplaced() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            Object a = new Object();
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ, a);
            check(key.attachment() == a, "attachment lost");
            check(key.attach("b") == a, "attach did not return the previous attachment");
            checkEquals("b", key.attachment(), "attachment after attach");
            writeFully(p.client(), ascii("x"));
            awaitSelected(selector, key, SelectionKey.OP_READ);
            checkEquals("b", selector.selectedKeys().iterator().next().attachment(), "attachment of the selected key");
        }
    }

    public static void keyAccessorsAndInterestBitOperations() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            check(key.channel() == p.accepted() && key.selector() == selector, "key.channel()/selector() mismatch");
            check(p.accepted().keyFor(selector) == key, "keyFor does not return the key");
            checkEquals(SelectionKey.OP_READ, key.interestOpsOr(SelectionKey.OP_WRITE), "interestOpsOr returns the old set");
            checkEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, key.interestOps(), "interest after interestOpsOr");
            checkEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, key.interestOpsAnd(~SelectionKey.OP_READ), "interestOpsAnd returns the old set");
            checkEquals(SelectionKey.OP_WRITE, key.interestOps(), "interest after interestOpsAnd");
            checkEquals(0, key.readyOps(), "ready ops before any select");
        }
    }

    public static void keySetsRejectAdditionsAndSelectedSetAllowsRemoval() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_WRITE);
            expectThrows(UnsupportedOperationException.class, "keys().add", () -> selector.keys().add(key));
            expectThrows(UnsupportedOperationException.class, "keys().remove", () -> selector.keys().remove(key));
            checkEquals(1, selector.selectNow(), "selectNow for a writable channel");
            expectThrows(UnsupportedOperationException.class, "selectedKeys().add", () -> selector.selectedKeys().add(key));
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            check(it.next() == key, "selected key is not the registered key");
            it.remove();
            check(selector.selectedKeys().isEmpty(), "iterator remove left the key selected");
        }
    }

    // ---------------------------------------------------------------- several selectors, rebuild, close

    public static void oneChannelOnSeveralSelectors() throws Exception {
        try (Pair p = pair(); Selector s1 = Selector.open(); Selector s2 = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey k1 = p.accepted().register(s1, SelectionKey.OP_READ);
            SelectionKey k2 = p.accepted().register(s2, SelectionKey.OP_READ);
            check(k1 != k2, "one key for two selectors");
            writeFully(p.client(), ascii("both"));
            awaitSelected(s1, k1, SelectionKey.OP_READ);
            awaitSelected(s2, k2, SelectionKey.OP_READ);
            k1.cancel();
            s1.selectNow();
            check(p.accepted().isRegistered(), "cancelling one key deregistered the channel from the other selector");
            s2.selectedKeys().clear();
            checkEquals(1, s2.selectNow(), "second selector after the first key was cancelled");
        }
    }

    public static void nettyStyleRebuildMovesChannelsToANewSelector() throws Exception {
        Pair[] pairs = {pair(), pair(), pair()};
        Selector old = Selector.open();
        try (Selector fresh = Selector.open()) {
            for (int i = 0; i < pairs.length; i++) {
                pairs[i].accepted().configureBlocking(false);
                pairs[i].accepted().register(old, SelectionKey.OP_READ, "conn-" + i);
            }
            Background<Integer> loop = background("old-loop", old::select);
            sleep(SETTLE_MS);
            old.wakeup();
            loop.await(LONG_MS);
            // what Netty's rebuildSelector does: move every valid key, then close the old selector
            for (SelectionKey key : old.keys()) {
                Object attachment = key.attachment();
                int interest = key.interestOps();
                key.cancel();
                key.channel().register(fresh, interest, attachment);
            }
            old.close();
            Set<Object> seen = new HashSet<>();
            for (Pair p : pairs) {
                check(p.accepted().isOpen(), "closing the old selector closed a channel");
                writeFully(p.client(), ascii("after"));
            }
            long deadline = System.nanoTime() + LONG_MS * 1_000_000;
            while (seen.size() < pairs.length && System.nanoTime() < deadline) {
                fresh.select(LONG_MS);
                // read only what was selected, as an event loop does: draining every channel
                // would consume data a stack delivering asynchronously has not yet reported
                for (SelectionKey k : fresh.selectedKeys()) {
                    seen.add(k.attachment());
                    ((SocketChannel) k.channel()).read(ByteBuffer.allocate(16));
                }
                fresh.selectedKeys().clear();
            }
            checkEquals(Set.of("conn-0", "conn-1", "conn-2"), seen, "channels selected on the new selector");
        } finally {
            old.close();
            for (Pair p : pairs) {
                p.close();
            }
        }
    }

    public static void closingTheSelectorInvalidatesKeysButKeepsChannelsOpen() throws Exception {
        try (Pair p = pair()) {
            Selector selector = Selector.open();
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            selector.close();
            check(!key.isValid(), "key still valid after its selector closed");
            check(p.accepted().isOpen(), "closing the selector closed the channel");
            check(!p.accepted().isRegistered(), "channel still registered after its selector closed");
            try (Selector other = Selector.open()) {
                SelectionKey k2 = p.accepted().register(other, SelectionKey.OP_READ);
                writeFully(p.client(), ascii("x"));
                awaitSelected(other, k2, SelectionKey.OP_READ);
            }
        }
    }

    public static void closingAChannelCancelsItsKeys() throws Exception {
        try (Pair p = pair(); Selector s1 = Selector.open(); Selector s2 = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey k1 = p.accepted().register(s1, SelectionKey.OP_READ);
            SelectionKey k2 = p.accepted().register(s2, SelectionKey.OP_READ);
            p.accepted().close();
            check(!k1.isValid() && !k2.isValid(), "keys of a closed channel still valid");
            s1.selectNow();
            s2.selectNow();
            check(s1.keys().isEmpty() && s2.keys().isEmpty(), "closed channel's keys still in the key sets");
            checkEquals(-1, background("reader", () -> p.client().read(ByteBuffer.allocate(4))).await(LONG_MS),
                    "peer read once the closed channel was deregistered");
        }
    }

    public static void closingARegisteredChannelDuringSelectDoesNotBlock() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            Background<Integer> selecting = background("select", () -> selector.select(LONG_MS));
            sleep(SETTLE_MS);
            background("close", () -> {
                p.accepted().close();
                return null;
            }).await(LONG_MS);
            check(!key.isValid(), "key of the closed channel still valid");
            selector.wakeup();
            selecting.await(LONG_MS);
            selector.selectNow();
            check(!selector.keys().contains(key), "closed channel's key still registered after select");
            checkEquals(-1, background("reader", () -> p.client().read(ByteBuffer.allocate(4))).await(LONG_MS),
                    "peer read after the close completed");
        }
    }
}
