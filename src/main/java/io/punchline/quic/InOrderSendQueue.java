package io.punchline.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.common.EncryptionLevel;
import tech.kwik.core.send.SendRequest;
import tech.kwik.core.send.SendRequestQueue;
import tech.kwik.core.send.SenderImpl;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Makes a kwik 0.10.8 connection send its 1-RTT frames strictly in queue order.
 *
 * <p>kwik fills a packet by taking the first queued frame that still fits. On a relay hop nearly every frame is a
 * DATAGRAM frame carrying a whole tunnelled QUIC packet of up to 1209 bytes, which fits a 1252-byte packet only when
 * nothing else (an ACK frame) is in it; kwik then takes a later, smaller datagram first, so the tunnelled packets
 * arrive out of order. The tunnelled connection counts every packet overtaken by three as lost (RFC 9002 section
 * 6.1.1) and halves its window: measured, 2.5 % of the packets, and a relayed session four times slower than a direct
 * one. With the queue read head-first only, a datagram that does not fit waits for the next packet instead.
 *
 * <p>The queue also counts the bytes it holds ({@link #queuedBytes()}, kwik's estimate of each frame's size), so that
 * a relay can refuse to queue more for a client that withholds ACKs: kwik queues whatever it is given and sends only
 * as its congestion window allows. kwik 0.10.8 adds with {@code addLast}/{@code addFirst} and removes through the
 * iterator and {@code clear}; every primitive mutator is counted here, and the bulk ones that would bypass the count
 * are refused.
 */
public final class InOrderSendQueue extends ConcurrentLinkedDeque<SendRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(InOrderSendQueue.class);

    private final AtomicLong bytes = new AtomicLong();

    /** Bytes of the frames queued now, as kwik estimates them. */
    public long queuedBytes() {
        return bytes.get();
    }

    @Override
    public void addFirst(SendRequest request) {
        super.addFirst(request);
        bytes.addAndGet(request.getEstimatedSize());
    }

    @Override
    public void addLast(SendRequest request) {
        super.addLast(request);
        bytes.addAndGet(request.getEstimatedSize());
    }

    @Override
    public boolean offerFirst(SendRequest request) {
        addFirst(request);
        return true;
    }

    @Override
    public boolean offerLast(SendRequest request) {
        addLast(request);
        return true;
    }

    @Override
    public boolean addAll(Collection<? extends SendRequest> requests) {
        requests.forEach(this::addLast);
        return !requests.isEmpty();
    }

    @Override
    public SendRequest pollFirst() {
        return removed(super.pollFirst());
    }

    @Override
    public SendRequest pollLast() {
        return removed(super.pollLast());
    }

    @Override
    public boolean removeFirstOccurrence(Object request) {
        boolean found = super.removeFirstOccurrence(request);
        if (found) {
            removed((SendRequest) request);
        }
        return found;
    }

    @Override
    public boolean removeLastOccurrence(Object request) {
        boolean found = super.removeLastOccurrence(request);
        if (found) {
            removed((SendRequest) request);
        }
        return found;
    }

    @Override
    public void clear() {
        while (pollFirst() != null) {
            // each removal is counted
        }
    }

    @Override
    public boolean removeIf(Predicate<? super SendRequest> filter) {
        throw new UnsupportedOperationException("bulk removal would bypass the byte count");
    }

    @Override
    public boolean removeAll(Collection<?> requests) {
        throw new UnsupportedOperationException("bulk removal would bypass the byte count");
    }

    @Override
    public boolean retainAll(Collection<?> requests) {
        throw new UnsupportedOperationException("bulk removal would bypass the byte count");
    }

    private SendRequest removed(SendRequest request) {
        if (request != null) {
            bytes.addAndGet(-request.getEstimatedSize());
        }
        return request;
    }

    /** Only the head: {@code SendRequestQueue.next} takes the first request that fits, so nothing can overtake it. */
    @Override
    public Iterator<SendRequest> iterator() {
        return new Iterator<>() {
            private SendRequest head = peekFirst();
            private SendRequest returned;

            @Override
            public boolean hasNext() {
                return head != null;
            }

            @Override
            public SendRequest next() {
                if (head == null) {
                    throw new NoSuchElementException();
                }
                returned = head;
                head = null;
                return returned;
            }

            @Override
            public void remove() {
                if (returned == null) {
                    throw new IllegalStateException();
                }
                removeFirstOccurrence(returned);
                returned = null;
            }
        };
    }

    /** Installs the in-order queue for 1-RTT frames of {@code connection}; returns whether it could. */
    public static boolean apply(QuicConnection connection) {
        return install(connection) != null;
    }

    /** Installs the in-order queue for 1-RTT frames of {@code connection} and returns it; null when it could not. */
    public static InOrderSendQueue install(QuicConnection connection) {
        try {
            SenderImpl sender = KwikInternals.sender(connection);
            Field queues = KwikInternals.field(SenderImpl.class, "sendRequestQueue");
            SendRequestQueue app = ((SendRequestQueue[]) queues.get(sender))[EncryptionLevel.App.ordinal()];
            Field deque = KwikInternals.field(SendRequestQueue.class, "requestQueue");
            @SuppressWarnings("unchecked")
            Deque<SendRequest> old = (Deque<SendRequest>) deque.get(app);
            if (old instanceof InOrderSendQueue installed) {
                return installed;
            }
            InOrderSendQueue ordered = new InOrderSendQueue();
            deque.set(app, ordered);
            for (SendRequest request; (request = old.pollFirst()) != null; ) {
                ordered.addLast(request);
            }
            return ordered;
        } catch (ReflectiveOperationException | ClassCastException e) {
            LOG.warn("could not make kwik send in order ({}); tunnelled packets may be reordered", e.toString());
            return null;
        }
    }
}
