package io.punchline.mailbox;

import io.punchline.wire.WireFormatException;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The relay mailbox's wire form, version {@value #VERSION} (docs/SECURITY.md section 7.4), shared by the relay
 * ({@code io.punchline.relay.Mailbox}) and the client ({@code io.punchline.pairing.MailboxClient}). Every request is a
 * POST to {@code PREFIX "v2/" name} whose body is one of these messages; every error response carries a one-byte
 * {@link Failure} code as its body. All integers are unsigned big-endian.
 * <pre>
 *   allocate  ()                                        -> Allocated(nameplate u32, token 16, lifetime_seconds u32)
 *   put       Put(nameplate, token, commitment 32, sealed) -> 204     (the creator's claim commitment and card, once)
 *   claim     Claim(nameplate, proof 32)                -> Claimed(token 16, sealed creator card)   (once per nameplate;
 *                                                          a proof whose SHA-256 is not the commitment burns it: 403)
 *   answer    Deposit(nameplate, token, sealed)         -> 204            (the joiner's sealed card)
 *   burn      Ticket(nameplate, token)                  -> 204            (wrong code: the nameplate is closed)
 *   wait      Wait(nameplate, token, millis u32)        -> Progress(state u8, sealed joiner card when ANSWERED)
 * </pre>
 * {@code sealed} is {@code u16 length || bytes}, at most {@link #MAX_SEALED} bytes; nothing may follow a message.
 * A relay of this version answers the version 1 paths (no {@code v2/}) with 404 {@link Failure#NOT_FOUND}, and so does
 * a version 1 relay the version 2 paths: the client then says the versions differ.
 */
public final class MailboxProtocol {

    /** The mailbox protocol version, part of every path. */
    public static final int VERSION = 2;
    /** Every mailbox path, of any version, starts with this. */
    public static final String PREFIX = "/.well-known/punchline/mailbox/";
    private static final String VERSIONED = PREFIX + "v" + VERSION + "/";
    public static final String ALLOCATE = VERSIONED + "allocate";
    public static final String PUT = VERSIONED + "put";
    public static final String CLAIM = VERSIONED + "claim";
    public static final String ANSWER = VERSIONED + "answer";
    public static final String BURN = VERSIONED + "burn";
    public static final String WAIT = VERSIONED + "wait";

    public static final String PEERS_ALLOW = "/.well-known/punchline/peers/allow";
    public static final String PEERS_FIND = "/.well-known/punchline/peers/find";

    /** Largest request body the relay reads for any mailbox or peers request. */
    public static final int MAX_BODY = 4096;
    public static final int MAX_SEALED = MAX_BODY - 64;
    public static final int TOKEN_LENGTH = 16;
    /** A claim proof and its commitment (SHA-256 of the proof). */
    public static final int CLAIM_PROOF_LENGTH = 32;
    public static final int COMMITMENT_LENGTH = 32;
    /** Nameplates, the number a pairing code starts with, are 1 to 7 decimal digits. */
    public static final int MAX_NAMEPLATE = 9_999_999;
    /** Longest a wait request is held on the relay. */
    public static final int MAX_WAIT_MILLIS = 20_000;

    private MailboxProtocol() {
    }

    /** Why the relay refused a mailbox or peers request: status code and the one-byte body. */
    public enum Failure {
        MALFORMED(1, 400),
        NO_SUCH_CODE(2, 404),
        EXPIRED(3, 410),
        BURNT(4, 410),
        ALREADY_CLAIMED(5, 409),
        NOT_READY(6, 409),
        NOT_YOURS(7, 403),
        TOO_LARGE(8, 413),
        RELAY_FULL(9, 503),
        TOO_MANY(10, 429),
        UNAUTHENTICATED(11, 401),
        ALREADY_DEPOSITED(12, 409),
        NOT_FOUND(13, 404),
        /** The claim's proof did not match the creator's commitment: the nameplate is burnt. */
        WRONG_CODE(14, 403),
        /** The relay cannot reach its fleet's shared store (docs/RELAY.md "A fleet"); the request may be retried. */
        STORE_UNAVAILABLE(15, 503);

        public final int code;
        public final int status;

        Failure(int code, int status) {
            this.code = code;
            this.status = status;
        }

        /** The failure a response body names, or null when it names none we know. */
        public static Failure of(byte[] body) {
            if (body.length != 1) {
                return null;
            }
            for (Failure failure : values()) {
                if (failure.code == (body[0] & 0xff)) {
                    return failure;
                }
            }
            return null;
        }
    }

    /** Where a nameplate stands, as a wait answers. */
    public enum State {
        WAITING_FOR_JOINER(0), CLAIMED(1), ANSWERED(2);

        public final int code;

        State(int code) {
            this.code = code;
        }
    }

    public record Allocated(int nameplate, byte[] token, int lifetimeSeconds) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + TOKEN_LENGTH + 4).putInt(nameplate).put(token).putInt(lifetimeSeconds).array();
        }

        public static Allocated decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Allocated out = new Allocated(in.nameplate(), in.token(), in.u32());
            in.end();
            return out;
        }
    }

    public record Ticket(int nameplate, byte[] token) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + TOKEN_LENGTH).putInt(nameplate).put(token).array();
        }

        public static Ticket decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Ticket out = new Ticket(in.nameplate(), in.token());
            in.end();
            return out;
        }
    }

    public record Deposit(int nameplate, byte[] token, byte[] sealed) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + TOKEN_LENGTH + 2 + sealed.length).putInt(nameplate).put(token)
                    .putShort((short) checkSealed(sealed).length).put(sealed).array();
        }

        public static Deposit decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Deposit out = new Deposit(in.nameplate(), in.token(), in.sealed());
            in.end();
            return out;
        }
    }

    /** The creator's deposit: the commitment to the claim proof, and its sealed card. */
    public record Put(int nameplate, byte[] token, byte[] commitment, byte[] sealed) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + TOKEN_LENGTH + COMMITMENT_LENGTH + 2 + sealed.length).putInt(nameplate)
                    .put(token).put(checkLength(commitment, COMMITMENT_LENGTH))
                    .putShort((short) checkSealed(sealed).length).put(sealed).array();
        }

        public static Put decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Put out = new Put(in.nameplate(), in.token(), in.bytes(COMMITMENT_LENGTH), in.sealed());
            in.end();
            return out;
        }
    }

    /** A joiner's claim: the nameplate and the proof that it knows the code. */
    public record Claim(int nameplate, byte[] proof) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + CLAIM_PROOF_LENGTH).putInt(nameplate)
                    .put(checkLength(proof, CLAIM_PROOF_LENGTH)).array();
        }

        public static Claim decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Claim out = new Claim(in.nameplate(), in.bytes(CLAIM_PROOF_LENGTH));
            in.end();
            return out;
        }
    }

    public record Claimed(byte[] token, byte[] sealed) {
        public byte[] encode() {
            return ByteBuffer.allocate(TOKEN_LENGTH + 2 + sealed.length).put(token)
                    .putShort((short) checkSealed(sealed).length).put(sealed).array();
        }

        public static Claimed decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Claimed out = new Claimed(in.token(), in.sealed());
            in.end();
            return out;
        }
    }

    public record Wait(int nameplate, byte[] token, int millis) {
        public byte[] encode() {
            return ByteBuffer.allocate(4 + TOKEN_LENGTH + 4).putInt(nameplate).put(token).putInt(millis).array();
        }

        public static Wait decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            Wait out = new Wait(in.nameplate(), in.token(), in.u32());
            in.end();
            if (out.millis < 0 || out.millis > MAX_WAIT_MILLIS) {
                throw new WireFormatException("wait longer than " + MAX_WAIT_MILLIS + " ms");
            }
            return out;
        }
    }

    /** A wait's answer: the state, and the joiner's sealed card when {@link State#ANSWERED} (else empty). */
    public record Progress(State state, byte[] sealed) {
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 2 + sealed.length).put((byte) state.code)
                    .putShort((short) checkSealed(sealed).length).put(sealed).array();
        }

        public static Progress decode(byte[] body) throws WireFormatException {
            Reader in = new Reader(body);
            int code = in.u8();
            State state = null;
            for (State s : State.values()) {
                if (s.code == code) {
                    state = s;
                }
            }
            if (state == null) {
                throw new WireFormatException("unknown mailbox state " + code);
            }
            Progress out = new Progress(state, in.sealed());
            in.end();
            if ((state == State.ANSWERED) != (out.sealed.length > 0)) {
                throw new WireFormatException("a card comes with ANSWERED and only then");
            }
            return out;
        }
    }

    /** The commitment to a claim proof: SHA-256(proof), which the relay compares with the creator's in constant time. */
    public static byte[] commitment(byte[] proof) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(proof);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static byte[] checkLength(byte[] value, int length) {
        if (value.length != length) {
            throw new IllegalArgumentException("expected " + length + " bytes, got " + value.length);
        }
        return value;
    }

    private static byte[] checkSealed(byte[] sealed) {
        if (sealed.length > MAX_SEALED) {
            throw new IllegalArgumentException("sealed card longer than " + MAX_SEALED + " bytes");
        }
        return sealed;
    }

    /** Bounds-checked reads; every shortfall is a {@link WireFormatException}. */
    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] body) throws WireFormatException {
            if (body.length > MAX_BODY) {
                throw new WireFormatException("body longer than " + MAX_BODY + " bytes");
            }
            this.in = ByteBuffer.wrap(body);
        }

        private void need(int n) throws WireFormatException {
            if (in.remaining() < n) {
                throw new WireFormatException("truncated: " + n + " more bytes expected, " + in.remaining() + " left");
            }
        }

        int u8() throws WireFormatException {
            need(1);
            return in.get() & 0xff;
        }

        int u32() throws WireFormatException {
            need(4);
            int value = in.getInt();
            if (value < 0) {
                throw new WireFormatException("value out of range");
            }
            return value;
        }

        int nameplate() throws WireFormatException {
            int value = u32();
            if (value < 1 || value > MAX_NAMEPLATE) {
                throw new WireFormatException("nameplate out of range");
            }
            return value;
        }

        byte[] token() throws WireFormatException {
            return bytes(TOKEN_LENGTH);
        }

        byte[] bytes(int length) throws WireFormatException {
            need(length);
            byte[] out = new byte[length];
            in.get(out);
            return out;
        }

        byte[] sealed() throws WireFormatException {
            need(2);
            int length = in.getShort() & 0xffff;
            if (length > MAX_SEALED) {
                throw new WireFormatException("sealed card longer than " + MAX_SEALED + " bytes");
            }
            need(length);
            byte[] out = new byte[length];
            in.get(out);
            return out;
        }

        void end() throws WireFormatException {
            if (in.hasRemaining()) {
                throw new WireFormatException(in.remaining() + " bytes after the message");
            }
        }
    }
}
