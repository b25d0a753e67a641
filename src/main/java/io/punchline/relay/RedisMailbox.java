package io.punchline.relay;

import io.lettuce.core.ScriptOutputType;
import io.punchline.crypto.PeerId;
import io.punchline.mailbox.MailboxProtocol.Failure;
import io.punchline.mailbox.MailboxProtocol.State;
import io.punchline.mailbox.MailboxProtocol;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The pairing mailbox of a relay fleet (docs/SECURITY.md section 7.4) in the fleet's shared Redis, so that a code made
 * through one relay is claimed through another: {@link Mailbox}'s rules and limits, each step one atomic Lua script
 * ({@link MailboxScripts}). Bodies are kept as base64 text. The creator's long poll looks every {@link #POLL_MILLIS}.
 */
final class RedisMailbox implements MailboxStore {

    /** How often a waiting creator's nameplate is looked at. */
    static final long POLL_MILLIS = 200;
    private static final int CANDIDATES = 8;
    private static final int ALLOCATION_TRIES = 4;
    private static final String[] NO_KEYS = new String[0];

    private final FleetStore store;
    private final MailboxLimits limits;
    private final SecureRandom random = new SecureRandom();

    RedisMailbox(FleetStore store, MailboxLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    @Override
    public Mailbox.Result allocate(InetAddress address, PeerId peer) {
        byte[] token = token();
        for (int attempt = 0; attempt < ALLOCATION_TRIES; attempt++) {
            List<String> args = new ArrayList<>(List.of(String.valueOf(limits.lifetime().toMillis()),
                    String.valueOf(limits.maxOpen()), String.valueOf(limits.maxOpenPerClient()), text(token),
                    clientId(address), peerId(peer)));
            for (int i = 0; i < CANDIDATES; i++) {
                args.add(String.valueOf(random.nextInt(Integer.MAX_VALUE)));
            }
            List<Object> reply = run(MailboxScripts.ALLOCATE, args.toArray(String[]::new));
            if (!"F".equals(reply.get(0))) {
                int seconds = (int) Math.max(1, limits.lifetime().toSeconds());
                int nameplate = Integer.parseInt((String) reply.get(1));
                return Mailbox.Result.ok(new MailboxProtocol.Allocated(nameplate, token, seconds).encode());
            }
            if (!"retry".equals(reply.get(1))) {
                return failure(reply);
            }
        }
        return Mailbox.Result.fail(Failure.RELAY_FULL);
    }

    @Override
    public Mailbox.Result put(byte[] body) {
        MailboxProtocol.Put put = Mailbox.decode(MailboxProtocol.Put::decode, body);
        if (put == null) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        return done(run(MailboxScripts.PUT, String.valueOf(put.nameplate()), text(put.token()),
                text(put.commitment()), text(put.sealed())));
    }

    @Override
    public Mailbox.Result claim(byte[] body, InetAddress address, PeerId peer) {
        MailboxProtocol.Claim claim = Mailbox.decode(MailboxProtocol.Claim::decode, body);
        if (claim == null) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        byte[] token = token();
        List<Object> reply = run(MailboxScripts.CLAIM, String.valueOf(claim.nameplate()),
                text(MailboxProtocol.commitment(claim.proof())), clientId(address), peerId(peer),
                String.valueOf(limits.wrongClaimsPerHour()), text(token));
        if ("F".equals(reply.get(0))) {
            return failure(reply);
        }
        return Mailbox.Result.ok(new MailboxProtocol.Claimed(token, bytes(reply.get(1))).encode());
    }

    @Override
    public Mailbox.Result answer(byte[] body) {
        MailboxProtocol.Deposit deposit = Mailbox.decode(MailboxProtocol.Deposit::decode, body);
        if (deposit == null) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        return done(run(MailboxScripts.ANSWER, String.valueOf(deposit.nameplate()), text(deposit.token()),
                text(deposit.sealed())));
    }

    @Override
    public Mailbox.Result burn(byte[] body) {
        MailboxProtocol.Ticket ticket = Mailbox.decode(MailboxProtocol.Ticket::decode, body);
        if (ticket == null) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        return done(run(MailboxScripts.BURN, String.valueOf(ticket.nameplate()), text(ticket.token())));
    }

    @Override
    public Mailbox.Result await(byte[] body) throws InterruptedException {
        MailboxProtocol.Wait wait = Mailbox.decode(MailboxProtocol.Wait::decode, body);
        if (wait == null) {
            return Mailbox.Result.fail(Failure.MALFORMED);
        }
        long deadline = System.nanoTime() + wait.millis() * 1_000_000L;
        while (true) {
            List<Object> reply = run(MailboxScripts.POLL, String.valueOf(wait.nameplate()), text(wait.token()));
            if ("F".equals(reply.get(0))) {
                return failure(reply);
            }
            String phase = (String) reply.get(1);
            if (phase.equals("N")) {
                return Mailbox.Result.ok(new MailboxProtocol.Progress(State.ANSWERED, bytes(reply.get(2))).encode());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                State state = phase.equals("C") ? State.CLAIMED : State.WAITING_FOR_JOINER;
                return Mailbox.Result.ok(new MailboxProtocol.Progress(state, new byte[0]).encode());
            }
            Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000L)));
        }
    }

    @Override
    public boolean hasOpenCodeOf(PeerId creator) {
        return openOf(peerId(creator)) > 0;
    }

    @Override
    public int openNameplates() {
        return (int) openOf("");
    }

    private long openOf(String client) {
        Long count = store.eval(MailboxScripts.COUNT_OPEN, ScriptOutputType.INTEGER, NO_KEYS, store.prefix(),
                tombstoneMillis(), client);
        return count;
    }

    private List<Object> run(String script, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = store.prefix();
        all[1] = tombstoneMillis();
        System.arraycopy(args, 0, all, 2, args.length);
        return store.eval(script, ScriptOutputType.MULTI, NO_KEYS, all);
    }

    private String tombstoneMillis() {
        return String.valueOf(limits.tombstoneLifetime().toMillis());
    }

    private static Mailbox.Result done(List<Object> reply) {
        return "F".equals(reply.get(0)) ? failure(reply) : Mailbox.Result.done();
    }

    private static Mailbox.Result failure(List<Object> reply) {
        return Mailbox.Result.fail(switch ((String) reply.get(1)) {
            case "full" -> Failure.RELAY_FULL;
            case "many" -> Failure.TOO_MANY;
            case "notyours" -> Failure.NOT_YOURS;
            case "deposited" -> Failure.ALREADY_DEPOSITED;
            case "notready" -> Failure.NOT_READY;
            case "claimed" -> Failure.ALREADY_CLAIMED;
            case "wrong" -> Failure.WRONG_CODE;
            case "gone" -> switch ((String) reply.get(2)) {
                case "E" -> Failure.EXPIRED;
                case "B" -> Failure.BURNT;
                case "U" -> Failure.ALREADY_CLAIMED;
                default -> Failure.NO_SUCH_CODE;
            };
            default -> throw new IllegalStateException("unexpected mailbox script reply " + reply);
        });
    }

    /** A client address's id in the store; an IPv6 /64 arrives here already as one address. */
    private static String clientId(InetAddress address) {
        return "a" + address.getHostAddress();
    }

    private static String peerId(PeerId peer) {
        return peer == null ? "" : "p" + HexFormat.of().formatHex(peer.bytes());
    }

    private static String text(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] bytes(Object text) {
        return Base64.getDecoder().decode((String) text);
    }

    private byte[] token() {
        byte[] token = new byte[MailboxProtocol.TOKEN_LENGTH];
        random.nextBytes(token);
        return token;
    }
}
