package io.punchline.relay;

import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol.Failure;
import io.punchline.mailbox.MailboxProtocol.State;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.wire.WireFormatException;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The relay's pairing mailbox (docs/SECURITY.md section 7.4): short-lived nameplates through which two clients swap
 * one sealed card each. The relay sees only ciphertext; what it enforces is the shape of the exchange:
 * <ul>
 *   <li>a nameplate is claimed at most once (a second joiner gets "already used"), and only with a proof of its code:
 *       the SHA-256 of the claim's proof must be the commitment the creator put (compared in constant time);</li>
 *   <li>a claim whose proof does not match burns the nameplate at once (the claimant gets "wrong code", the creator's
 *       wait "burnt", a later claim "burnt"): one guess per nameplate, and nobody waits out a lifetime unaware; a
 *       client address or PeerId with {@link MailboxLimits#wrongClaimsPerHour()} such claims in the last hour may not
 *       claim (429) until they age out, so one sweeper voids a handful of codes, not every open one;</li>
 *   <li>a burn (the joiner's card check failed, or the creator gave up) closes the nameplate, and the creator's wait
 *       learns it;</li>
 *   <li>every nameplate expires after {@link MailboxLimits#lifetime()}; expired, burnt and used ones leave a tombstone so
 *       their number answers "expired" or "used" instead of "no such code", and is not handed out again meanwhile;</li>
 *   <li>bounded: {@link MailboxProtocol#MAX_BODY} per message, {@link MailboxLimits#maxOpen()} in all,
 *       {@link MailboxLimits#maxOpenPerClient()} per client address and per PeerId.</li>
 * </ul>
 * Each side holds a random token (from allocate, from claim) that authorizes its later requests.
 */
final class Mailbox implements MailboxStore {

    private static final int MAX_TOMBSTONES = 20_000;
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    /** Outcome of one request: a body for 200/204, or a failure. */
    record Result(int status, byte[] body) {
        static Result ok(byte[] body) {
            return new Result(200, body);
        }

        static Result done() {
            return new Result(204, new byte[0]);
        }

        static Result fail(Failure failure) {
            return new Result(failure.status, new byte[]{(byte) failure.code});
        }
    }

    private enum Phase { ALLOCATED, OPEN, CLAIMED, ANSWERED }

    private enum Gone { EXPIRED, BURNT, USED }

    private static final class Entry {
        final int nameplate;
        final byte[] creatorToken;
        final InetAddress address;
        final PeerId peer;
        final long expiresAt;
        Phase phase = Phase.ALLOCATED;
        byte[] commitment;
        byte[] creatorCard;
        byte[] joinerToken;
        byte[] joinerCard;

        Entry(int nameplate, byte[] creatorToken, InetAddress address, PeerId peer, long expiresAt) {
            this.nameplate = nameplate;
            this.creatorToken = creatorToken;
            this.address = address;
            this.peer = peer;
            this.expiresAt = expiresAt;
        }
    }

    private record Tombstone(Gone why, long until) {
    }

    private final MailboxLimits limits;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, Entry> open = new HashMap<>();
    private final LinkedHashMap<Integer, Tombstone> tombstones = new LinkedHashMap<>();
    /** When each client address and PeerId last failed a claim proof, within the last hour. */
    private final Map<Object, Deque<Long>> wrongClaims = new HashMap<>();

    Mailbox(MailboxLimits limits) {
        this.limits = limits;
    }

    @Override
    public synchronized Result allocate(InetAddress address, PeerId peer) {
        long now = System.nanoTime();
        sweep(now);
        if (open.size() >= limits.maxOpen()) {
            return Result.fail(Failure.RELAY_FULL);
        }
        int fromAddress = 0;
        int fromPeer = 0;
        for (Entry entry : open.values()) {
            fromAddress += entry.address.equals(address) ? 1 : 0;
            fromPeer += peer != null && peer.equals(entry.peer) ? 1 : 0;
        }
        if (fromAddress >= limits.maxOpenPerClient() || fromPeer >= limits.maxOpenPerClient()) {
            return Result.fail(Failure.TOO_MANY);
        }
        int nameplate = freeNameplate();
        byte[] token = token();
        open.put(nameplate, new Entry(nameplate, token, address, peer, now + limits.lifetime().toNanos()));
        int seconds = (int) Math.max(1, limits.lifetime().toSeconds());
        return Result.ok(new MailboxProtocol.Allocated(nameplate, token, seconds).encode());
    }

    @Override
    public synchronized Result put(byte[] body) {
        MailboxProtocol.Put put = decode(MailboxProtocol.Put::decode, body);
        return put == null ? Result.fail(Failure.MALFORMED) : withEntry(put.nameplate(), entry -> {
            if (!MessageDigest.isEqual(entry.creatorToken, put.token())) {
                return Result.fail(Failure.NOT_YOURS);
            }
            if (entry.phase != Phase.ALLOCATED) {
                return Result.fail(Failure.ALREADY_DEPOSITED);
            }
            entry.commitment = put.commitment();
            entry.creatorCard = put.sealed();
            entry.phase = Phase.OPEN;
            return Result.done();
        });
    }

    /**
     * A joiner's claim from {@code address} (and {@code peer}, null when anonymous): refused without a look at the
     * nameplate when this client's proofs failed {@link MailboxLimits#wrongClaimsPerHour()} times in the last hour.
     */
    @Override
    public synchronized Result claim(byte[] body, InetAddress address, PeerId peer) {
        MailboxProtocol.Claim claim = decode(MailboxProtocol.Claim::decode, body);
        if (claim == null) {
            return Result.fail(Failure.MALFORMED);
        }
        long now = System.nanoTime();
        sweepWrongClaims(now);
        if (wrongClaims(address) >= limits.wrongClaimsPerHour() || wrongClaims(peer) >= limits.wrongClaimsPerHour()) {
            return Result.fail(Failure.TOO_MANY);
        }
        return withEntry(claim.nameplate(), entry -> {
            switch (entry.phase) {
                case ALLOCATED -> {
                    return Result.fail(Failure.NOT_READY);
                }
                case CLAIMED, ANSWERED -> {
                    return Result.fail(Failure.ALREADY_CLAIMED);
                }
                default -> {
                }
            }
            if (!MessageDigest.isEqual(entry.commitment, MailboxProtocol.commitment(claim.proof()))) {
                bury(entry, Gone.BURNT, now);
                countWrongClaim(address, now);
                countWrongClaim(peer, now);
                notifyAll();
                return Result.fail(Failure.WRONG_CODE);
            }
            entry.phase = Phase.CLAIMED;
            entry.joinerToken = token();
            return Result.ok(new MailboxProtocol.Claimed(entry.joinerToken, entry.creatorCard).encode());
        });
    }

    @Override
    public synchronized Result answer(byte[] body) {
        MailboxProtocol.Deposit deposit = decode(MailboxProtocol.Deposit::decode, body);
        return deposit == null ? Result.fail(Failure.MALFORMED) : withEntry(deposit.nameplate(), entry -> {
            if (entry.joinerToken == null || !MessageDigest.isEqual(entry.joinerToken, deposit.token())) {
                return Result.fail(Failure.NOT_YOURS);
            }
            if (entry.phase != Phase.CLAIMED) {
                return Result.fail(Failure.ALREADY_DEPOSITED);
            }
            entry.joinerCard = deposit.sealed();
            entry.phase = Phase.ANSWERED;
            notifyAll();
            return Result.done();
        });
    }

    /** Closes a nameplate for good: the joiner's card check failed, or the creator gives up. */
    @Override
    public synchronized Result burn(byte[] body) {
        MailboxProtocol.Ticket ticket = decode(MailboxProtocol.Ticket::decode, body);
        return ticket == null ? Result.fail(Failure.MALFORMED) : withEntry(ticket.nameplate(), entry -> {
            if (!holds(entry, ticket.token())) {
                return Result.fail(Failure.NOT_YOURS);
            }
            bury(entry, Gone.BURNT, System.nanoTime());
            notifyAll();
            return Result.done();
        });
    }

    /** A request body's decoder. */
    interface Decoder<T> {
        T decode(byte[] body) throws WireFormatException;
    }

    /** The decoded body, or null when it is malformed. */
    static <T> T decode(Decoder<T> decoder, byte[] body) {
        try {
            return decoder.decode(body);
        } catch (WireFormatException e) {
            return null;
        }
    }

    /** Runs {@code step} on the open entry of {@code nameplate}, after expired ones are swept; else says why it is gone. */
    private Result withEntry(int nameplate, Function<Entry, Result> step) {
        sweep(System.nanoTime());
        Entry entry = open.get(nameplate);
        return entry == null ? Result.fail(gone(nameplate)) : step.apply(entry);
    }

    /**
     * The creator's long poll: returns as soon as the joiner answered (with its card; the nameplate is then used up)
     * or burnt the nameplate, or after the requested time with the current state.
     */
    @Override
    public synchronized Result await(byte[] body) throws InterruptedException {
        MailboxProtocol.Wait wait = decode(MailboxProtocol.Wait::decode, body);
        if (wait == null) {
            return Result.fail(Failure.MALFORMED);
        }
        long deadline = System.nanoTime() + wait.millis() * 1_000_000L;
        while (true) {
            long now = System.nanoTime();
            sweep(now);
            Entry entry = open.get(wait.nameplate());
            if (entry == null) {
                return Result.fail(gone(wait.nameplate()));
            }
            if (!MessageDigest.isEqual(entry.creatorToken, wait.token())) {
                return Result.fail(Failure.NOT_YOURS);
            }
            if (entry.phase == Phase.ANSWERED) {
                bury(entry, Gone.USED, now);
                return Result.ok(new MailboxProtocol.Progress(State.ANSWERED, entry.joinerCard).encode());
            }
            long left = Math.min(deadline, entry.expiresAt) - now;
            if (left <= 0 && now < entry.expiresAt) {
                State state = entry.phase == Phase.CLAIMED ? State.CLAIMED : State.WAITING_FOR_JOINER;
                return Result.ok(new MailboxProtocol.Progress(state, new byte[0]).encode());
            }
            wait(Math.max(1, left / 1_000_000L));
        }
    }

    private int wrongClaims(Object client) {
        Deque<Long> times = client == null ? null : wrongClaims.get(client);
        return times == null ? 0 : times.size();
    }

    private void countWrongClaim(Object client, long now) {
        if (client != null) {
            wrongClaims.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
        }
    }

    /** Forgets wrong claims older than an hour (at most one per nameplate ever burnt, so this stays small). */
    private void sweepWrongClaims(long now) {
        for (Iterator<Deque<Long>> it = wrongClaims.values().iterator(); it.hasNext(); ) {
            Deque<Long> times = it.next();
            while (!times.isEmpty() && now - times.peekFirst() >= HOUR_NANOS) {
                times.removeFirst();
            }
            if (times.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Whether {@code creator} has a nameplate open: allocated by it and not yet used, burnt or expired. */
    @Override
    public synchronized boolean hasOpenCodeOf(PeerId creator) {
        sweep(System.nanoTime());
        return open.values().stream().anyMatch(entry -> creator.equals(entry.peer));
    }

    @Override
    public synchronized int openNameplates() {
        sweep(System.nanoTime());
        return open.size();
    }

    private boolean holds(Entry entry, byte[] token) {
        return MessageDigest.isEqual(entry.creatorToken, token)
                || entry.joinerToken != null && MessageDigest.isEqual(entry.joinerToken, token);
    }

    private Failure gone(int nameplate) {
        Tombstone tombstone = tombstones.get(nameplate);
        if (tombstone == null) {
            return Failure.NO_SUCH_CODE;
        }
        return switch (tombstone.why) {
            case EXPIRED -> Failure.EXPIRED;
            case BURNT -> Failure.BURNT;
            case USED -> Failure.ALREADY_CLAIMED;
        };
    }

    private void bury(Entry entry, Gone why, long now) {
        open.remove(entry.nameplate);
        tombstones.remove(entry.nameplate);
        tombstones.put(entry.nameplate, new Tombstone(why, now + limits.tombstoneLifetime().toNanos()));
        while (tombstones.size() > MAX_TOMBSTONES) {
            Iterator<Integer> oldest = tombstones.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void sweep(long now) {
        for (Entry entry : List.copyOf(open.values())) {
            if (now - entry.expiresAt >= 0) {
                bury(entry, Gone.EXPIRED, now);
                notifyAll();
            }
        }
        tombstones.values().removeIf(t -> now - t.until >= 0);
    }

    /** The smallest number of digits with room to spare, then a random number of that many digits. */
    private int freeNameplate() {
        int taken = open.size() + tombstones.size();
        int bound = 100;
        while (bound < 10_000_000 && taken * 4 > bound) {
            bound *= 10;
        }
        while (true) {
            int candidate = 1 + random.nextInt(bound - 1);
            if (!open.containsKey(candidate) && !tombstones.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    private byte[] token() {
        byte[] token = new byte[MailboxProtocol.TOKEN_LENGTH];
        random.nextBytes(token);
        return token;
    }
}
