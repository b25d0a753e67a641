package io.punchline.masque;

import java.util.List;
import org.greenbytes.http.sfv.BooleanItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parser;

/**
 * The Boolean request and response fields of a bind request: {@code connect-udp-bind}
 * (draft-ietf-masque-connect-udp-listen-13, "The Connect-UDP-Bind Header Field") and {@code capsule-protocol}
 * (RFC 9297 section 3.4). Both are Structured Field Items (RFC 8941) whose value must be a Boolean; any other type,
 * including a field repeated into what parses as a List, "MUST be handled as if the field were absent", and
 * parameters are ignored. Parsing uses Julian Reschke's RFC 8941 parser (org.greenbytes.http:structured-fields).
 */
public final class BindHeaders {

    public static final String CONNECT_UDP_BIND = "connect-udp-bind";
    public static final String CAPSULE_PROTOCOL = "capsule-protocol";
    public static final String PROXY_PUBLIC_ADDRESS = "proxy-public-address";
    /**
     * Punchline's response field on a bind: the client address the relay's QUIC listener sees, formatted like
     * {@code proxy-public-address} (docs/ARCHITECTURE.md, "Hard NATs"). Absent from other relays; optional.
     */
    public static final String OBSERVED_ADDRESS = "punchline-observed-address";
    /**
     * Punchline's Boolean response field on a bind: {@code ?1} when the relay never closes the bind for idleness (RFC
     * 9298 section 3.3 allows an idle timeout, of at least two minutes, without requiring one), so that it lasts as
     * long as its request stream and QUIC connection and the client sends no keepalive datagrams through it. Absent
     * from other relays: the client then keeps the tunnel busy itself.
     */
    public static final String BIND_KEPT = "punchline-bind-kept";

    /** The serialized value to send: {@code ?1}. */
    public static final String TRUE = BooleanItem.valueOf(true).serialize();

    private BindHeaders() {
    }

    /**
     * {@code true} when the field lines (all lines of one field name, in order; empty when absent) hold exactly one
     * SF Item that is the Boolean true. Anything unparsable or of another type reads as absent, i.e. {@code false}.
     */
    public static boolean isTrue(List<String> fieldLines) {
        if (fieldLines.isEmpty()) {
            return false;
        }
        try {
            Item<?> item = new Parser(fieldLines.stream().map(StructuredFieldText::trimSp).toArray(String[]::new))
                    .parseItem();
            return item instanceof BooleanItem flag && flag.get();
        } catch (IllegalArgumentException notAnSfItem) { // the library's ParseException
            return false;
        }
    }

    /** {@link #isTrue(List)} for a single field line or {@code null} when absent. */
    public static boolean isTrue(String fieldValue) {
        return fieldValue != null && isTrue(List.of(fieldValue));
    }
}
