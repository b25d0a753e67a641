package io.punchline.masque;

import io.punchline.wire.IpAddressCodec;
import io.punchline.wire.QuicVarint;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The Context ID table of one bound UDP proxying request: RFC 9298 section 4 (62-bit IDs, 0 for the URI target,
 * clients allocate even IDs and proxies odd ones, never re-allocated) and draft-ietf-masque-connect-udp-listen-13,
 * "Context Identifier Registration" and "Security Considerations".
 *
 * <p>Received COMPRESSION_ASSIGN/ACK/CLOSE capsules go to {@link #receive(Capsule)}, which returns the replies to send;
 * a capsule the draft calls malformed throws {@link MalformedCapsuleException} (the caller resets the request stream
 * with H3_MESSAGE_ERROR). Rejections (over the open-context limit, target refused by the policy, the tuple race) are
 * ordinary COMPRESSION_CLOSE replies. Replies count as pending until the caller reports them written with
 * {@link #repliesWritten(int)}; a registration arriving while {@code maxPendingReplies} are pending throws
 * {@link ReplyBacklogExceededException}.
 *
 * <p>Closed IDs are never reused: this endpoint allocates its own IDs monotonically, so any of its IDs below the next
 * one that is not live is closed; the peer's closed or rejected IDs are remembered in a bounded set (the oldest
 * forgotten first, after which a datagram on it reads as {@link ContextLookup.Kind#UNKNOWN}, also dropped).
 *
 * <p>Thread-safe: every public method is synchronized.
 */
public final class ContextRegistry {

    public enum Role { CLIENT, PROXY }

    /**
     * @param maxOpenContexts registrations open at once (both sides', pending ones included); the draft's MUST
     * @param maxPendingReplies ACK/CLOSE replies handed out but not yet reported written
     * @param rememberedClosedIds how many of the peer's closed IDs are remembered to detect reuse
     */
    public record Limits(int maxOpenContexts, int maxPendingReplies, int rememberedClosedIds) {

        public Limits {
            if (maxOpenContexts < 1 || maxPendingReplies < 1 || rememberedClosedIds < 0) {
                throw new IllegalArgumentException("limits must be positive: " + maxOpenContexts + ", "
                        + maxPendingReplies + ", " + rememberedClosedIds);
            }
        }

        public static Limits defaults() {
            return new Limits(256, 64, 4096);
        }
    }

    private static final class Context {
        final long id;
        final InetSocketAddress tuple; // null: the uncompressed context
        final boolean openedLocally;
        boolean acknowledged;

        Context(long id, InetSocketAddress tuple, boolean openedLocally) {
            this.id = id;
            this.tuple = tuple;
            this.openedLocally = openedLocally;
        }
    }

    private final Role role;
    private final Limits limits;
    private final boolean uriTargetGiven;
    private final Predicate<InetSocketAddress> targetPolicy;
    private final Map<Long, Context> live = new HashMap<>();
    private final Map<InetSocketAddress, Context> byTuple = new HashMap<>();
    private final LinkedHashSet<Long> closedPeerIds = new LinkedHashSet<>();
    private Context uncompressed;
    private long nextLocalId;
    private int pendingReplies;

    /**
     * @param role which side this endpoint is, deciding the parity of the IDs it allocates
     * @param limits the bounds the draft requires
     * @param uriTargetGiven {@code false} when the request's target variables were both "*": then Context ID 0 is
     *                       forbidden in datagrams
     * @param targetPolicy tuples this endpoint accepts in a registration (the proxy's target restrictions, address
     *                     families it supports); others are rejected with COMPRESSION_CLOSE
     */
    public ContextRegistry(Role role, Limits limits, boolean uriTargetGiven, Predicate<InetSocketAddress> targetPolicy) {
        this.role = role;
        this.limits = limits;
        this.uriTargetGiven = uriTargetGiven;
        this.targetPolicy = targetPolicy;
        this.nextLocalId = role == Role.CLIENT ? 2 : 1;
    }

    /** A bind-any registry accepting every target. */
    public ContextRegistry(Role role) {
        this(role, Limits.defaults(), false, target -> true);
    }

    // ---- local registrations ----

    /** Client only: registers the uncompressed context, refused while one is open. */
    public synchronized Registration registerUncompressed() {
        if (role != Role.CLIENT) {
            throw new IllegalStateException("only the client may register the uncompressed context");
        }
        if (uncompressed != null) {
            return Registration.refused("the uncompressed context " + uncompressed.id + " is open");
        }
        return registerLocally(null);
    }

    /**
     * Registers a compressed context for {@code target}. Refused when the tuple already has a Context ID (either side's),
     * at the open-context limit, when the policy refuses the target, and at the proxy unless the uncompressed context
     * is open (once it is closed the proxy MUST NOT open new compressed contexts).
     */
    public synchronized Registration registerCompressed(InetSocketAddress target) {
        IpAddressCodec.ipVersion(target); // rejects unresolved addresses before anything changes
        Context existing = byTuple.get(target);
        if (existing != null) {
            return Registration.refused(target + " already has Context ID " + existing.id);
        }
        if (role == Role.PROXY && uncompressed == null) {
            return Registration.refused("the proxy opens compressed contexts only while the uncompressed one is open");
        }
        if (!targetPolicy.test(target)) {
            return Registration.refused("target not allowed: " + target);
        }
        return registerLocally(target);
    }

    private Registration registerLocally(InetSocketAddress target) {
        if (live.size() >= limits.maxOpenContexts()) {
            return Registration.refused("open Context ID limit reached (" + limits.maxOpenContexts() + ")");
        }
        if (nextLocalId > QuicVarint.MAX_VALUE) {
            return Registration.refused("Context IDs exhausted");
        }
        Context context = new Context(nextLocalId, target, true);
        nextLocalId += 2;
        add(context);
        return Registration.registered(new CompressionAssign(context.id, target));
    }

    /**
     * Closes a context locally (idle, or a target no longer wanted). Returns the COMPRESSION_CLOSE to send, or empty
     * when the ID is not open. No datagram may be sent on it afterwards.
     */
    public synchronized Optional<CompressionClose> close(long contextId) {
        Context context = live.get(contextId);
        if (context == null) {
            return Optional.empty();
        }
        remove(context);
        return Optional.of(new CompressionClose(contextId));
    }

    // ---- received capsules ----

    /**
     * Applies a received COMPRESSION_ASSIGN, COMPRESSION_ACK or COMPRESSION_CLOSE and returns the capsules to send in
     * reply (possibly none). Other capsules are not the registry's business and give no replies.
     */
    public synchronized List<Capsule> receive(Capsule capsule)
            throws MalformedCapsuleException, ReplyBacklogExceededException {
        if (capsule instanceof CompressionAssign assign) {
            return onAssign(assign);
        }
        if (capsule instanceof CompressionAck ack) {
            onAck(ack);
        } else if (capsule instanceof CompressionClose close) {
            onClose(close);
        }
        return List.of();
    }

    private List<Capsule> onAssign(CompressionAssign assign)
            throws MalformedCapsuleException, ReplyBacklogExceededException {
        long id = assign.contextId();
        InetSocketAddress tuple = assign.target();
        if (!isPeerAllocated(id)) {
            throw new MalformedCapsuleException("COMPRESSION_ASSIGN with Context ID " + id + ", which the "
                    + (role == Role.CLIENT ? "proxy (odd IDs)" : "client (even IDs)") + " cannot allocate");
        }
        if (live.containsKey(id) || closedPeerIds.contains(id)) {
            throw new MalformedCapsuleException("COMPRESSION_ASSIGN repeats Context ID " + id);
        }
        if (tuple == null && role == Role.CLIENT) {
            throw new MalformedCapsuleException("client received COMPRESSION_ASSIGN with IP Version 0 (ID " + id + ")");
        }
        if (tuple == null && uncompressed != null) {
            throw new MalformedCapsuleException("second uncompressed context " + id + " while " + uncompressed.id
                    + " is open");
        }
        Context sameTuple = tuple == null ? null : byTuple.get(tuple);
        if (sameTuple != null && !sameTuple.openedLocally) {
            throw new MalformedCapsuleException("COMPRESSION_ASSIGN " + id + " for " + tuple
                    + ", which the peer registered as " + sameTuple.id);
        }
        if (pendingReplies >= limits.maxPendingReplies()) {
            throw new ReplyBacklogExceededException(pendingReplies + " compression replies not yet written");
        }
        // The race: both registered the tuple. Each endpoint closes the one the proxy opened.
        if (sameTuple != null) {
            if (role == Role.PROXY) {
                remove(sameTuple);
                return replies(new CompressionClose(sameTuple.id), accept(id, tuple));
            }
            rememberClosedPeerId(id);
            return replies(new CompressionClose(id));
        }
        return replies(accept(id, tuple));
    }

    private Capsule accept(long id, InetSocketAddress tuple) {
        if (live.size() >= limits.maxOpenContexts() || (tuple != null && !targetPolicy.test(tuple))) {
            rememberClosedPeerId(id);
            return new CompressionClose(id);
        }
        Context context = new Context(id, tuple, false);
        context.acknowledged = true;
        add(context);
        return new CompressionAck(id);
    }

    private void onAck(CompressionAck ack) throws MalformedCapsuleException {
        long id = ack.contextId();
        if (isPeerAllocated(id) || id >= nextLocalId) {
            throw new MalformedCapsuleException("COMPRESSION_ACK for Context ID " + id
                    + ", which this endpoint never registered");
        }
        Context context = live.get(id);
        if (context != null) {
            context.acknowledged = true; // a repeated ACK, or one for an ID closed meanwhile, changes nothing
        }
    }

    private void onClose(CompressionClose close) {
        Context context = live.get(close.contextId());
        if (context != null) {
            remove(context);
        }
    }

    /** The caller wrote {@code count} of the replies handed out. */
    public synchronized void repliesWritten(int count) {
        if (count < 0 || count > pendingReplies) {
            throw new IllegalArgumentException(count + " replies written, " + pendingReplies + " pending");
        }
        pendingReplies -= count;
    }

    // ---- datagrams ----

    /** What a received datagram's Context ID means. */
    public synchronized ContextLookup lookup(long contextId) {
        if (contextId == 0) {
            return uriTargetGiven ? ContextLookup.URI_TARGET : ContextLookup.ABORT_STREAM;
        }
        Context context = live.get(contextId);
        if (context != null) {
            return context.tuple == null ? ContextLookup.UNCOMPRESSED : ContextLookup.compressed(context.tuple);
        }
        boolean closed = isPeerAllocated(contextId) ? closedPeerIds.contains(contextId) : contextId < nextLocalId;
        return closed ? ContextLookup.CLOSED : ContextLookup.UNKNOWN;
    }

    /**
     * The Context ID to send a UDP packet for {@code tuple} on: its compressed context if one is open, else the
     * uncompressed context, else none (drop). Contexts awaiting their ACK count as open (optimistic use).
     */
    public synchronized OptionalLong contextFor(InetSocketAddress tuple) {
        Context context = byTuple.get(tuple);
        if (context != null) {
            return OptionalLong.of(context.id);
        }
        return uncompressed != null ? OptionalLong.of(uncompressed.id) : OptionalLong.empty();
    }

    /**
     * The target policy given at construction, for the checks outside the registry: the proxy MUST apply it to the
     * address of every uncompressed datagram too.
     */
    public boolean allows(InetSocketAddress target) {
        return targetPolicy.test(target);
    }

    /** {@code true} once the peer acknowledged this endpoint's registration (or for an accepted peer registration). */
    public synchronized boolean isAcknowledged(long contextId) {
        Context context = live.get(contextId);
        return context != null && context.acknowledged;
    }

    public synchronized int openContexts() {
        return live.size();
    }

    public synchronized int pendingReplies() {
        return pendingReplies;
    }

    // ---- table ----

    private boolean isPeerAllocated(long contextId) {
        return ContextIds.isClientAllocated(contextId) == (role == Role.PROXY);
    }

    private void add(Context context) {
        live.put(context.id, context);
        if (context.tuple == null) {
            uncompressed = context;
        } else {
            byTuple.put(context.tuple, context);
        }
    }

    private void remove(Context context) {
        live.remove(context.id);
        if (context.tuple == null) {
            uncompressed = null;
        } else {
            byTuple.remove(context.tuple);
        }
        if (isPeerAllocated(context.id)) {
            rememberClosedPeerId(context.id);
        }
    }

    private void rememberClosedPeerId(long id) {
        closedPeerIds.add(id);
        if (closedPeerIds.size() > limits.rememberedClosedIds()) {
            Iterator<Long> oldest = closedPeerIds.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private List<Capsule> replies(Capsule... replies) {
        pendingReplies += replies.length;
        return List.of(replies);
    }
}
