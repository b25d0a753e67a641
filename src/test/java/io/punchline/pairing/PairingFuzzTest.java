package io.punchline.pairing;

import io.punchline.crypto.Identity;
import io.punchline.mailbox.MailboxProtocol;
import io.punchline.masque.RelayAddress;
import io.punchline.session.PeerContact;
import io.punchline.wire.WireFormatException;
import io.punchline.testing.FuzzBudget;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Card and mailbox codecs: round trips, and decoders that fail only with WireFormatException. */
@AddLifecycleHook(FuzzBudget.class)
class PairingFuzzTest {

    static final String RELAY_TEXT = "127.0.0.1:4433#"
            + "A".repeat(43) + "#aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa";
    private static final Identity IDENTITY = Identity.generate(new SecureRandom());

    private static PairingCard card(String name, int port) {
        return new PairingCard(name, IDENTITY.publicKey(), new PeerContact(IDENTITY.peerId(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), RelayAddress.parse(RELAY_TEXT)));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(s -> !s.isBlank()
                && s.codePoints().noneMatch(io.punchline.wire.PeerText::isUnsafe) && s.strip().equals(s)
                && !s.chars().anyMatch(c -> Character.isSurrogate((char) c)));
    }

    @Property(tries = 200)
    void cardsRoundTrip(@ForAll("names") String name, @ForAll @IntRange(min = 1, max = 65535) int port)
            throws Exception {
        PairingCard card = card(name, port);
        PairingCard decoded = PairingCard.decode(card.encode());
        assertThat(decoded.deviceName()).isEqualTo(name);
        assertThat(decoded.peer()).isEqualTo(IDENTITY.peerId());
        assertThat(decoded.contact()).isEqualTo(card.contact());
    }

    @Property(tries = 500)
    void mutatedCardsFailOnlyWithWireFormatException(@ForAll @IntRange(min = 0, max = 2200) int at,
                                                      @ForAll byte value, @ForAll @IntRange(min = 0, max = 2200) int cut) {
        byte[] encoded = card("laptop", 4433).encode();
        if (at < encoded.length) {
            encoded[at] = value;
        }
        byte[] input = java.util.Arrays.copyOf(encoded, Math.min(cut, encoded.length));
        try {
            PairingCard.decode(input);
        } catch (WireFormatException expected) {
            // the only declared failure
        }
    }

    @Property(tries = 1000)
    void mailboxDecodersFailOnlyWithWireFormatException(@ForAll @Size(max = 80) byte[] body) {
        decodeAll(body);
    }

    @Property(tries = 300)
    void randomCardBytesFailOnlyWithWireFormatException(@ForAll @Size(max = 5000) byte[] body) {
        try {
            PairingCard.decode(body);
        } catch (WireFormatException expected) {
            // the only declared failure
        }
    }

    @Property(tries = 200)
    void mailboxMessagesRoundTrip(@ForAll @IntRange(min = 1, max = PairingCode.MAX_NAMEPLATE) int nameplate,
                                  @ForAll @Size(16) byte[] token, @ForAll @Size(max = 300) byte[] sealed,
                                  @ForAll @IntRange(min = 0, max = MailboxProtocol.MAX_WAIT_MILLIS) int millis)
            throws Exception {
        assertThat(MailboxProtocol.Deposit.decode(new MailboxProtocol.Deposit(nameplate, token, sealed).encode()).sealed())
                .isEqualTo(sealed);
        byte[] proof = Arrays.copyOf(sealed, MailboxProtocol.CLAIM_PROOF_LENGTH);
        MailboxProtocol.Claim claim = MailboxProtocol.Claim.decode(new MailboxProtocol.Claim(nameplate, proof).encode());
        assertThat(claim.nameplate()).isEqualTo(nameplate);
        assertThat(claim.proof()).isEqualTo(proof);
        MailboxProtocol.Put put = MailboxProtocol.Put.decode(
                new MailboxProtocol.Put(nameplate, token, MailboxProtocol.commitment(proof), sealed).encode());
        assertThat(put.commitment()).isEqualTo(MailboxProtocol.commitment(proof));
        assertThat(put.sealed()).isEqualTo(sealed);
        assertThat(MailboxProtocol.Claimed.decode(new MailboxProtocol.Claimed(token, sealed).encode()).token())
                .isEqualTo(token);
        assertThat(MailboxProtocol.Wait.decode(new MailboxProtocol.Wait(nameplate, token, millis).encode()).millis())
                .isEqualTo(millis);
        assertThat(MailboxProtocol.Ticket.decode(new MailboxProtocol.Ticket(nameplate, token).encode()).nameplate())
                .isEqualTo(nameplate);
        assertThat(MailboxProtocol.Allocated.decode(new MailboxProtocol.Allocated(nameplate, token, 600).encode())
                .lifetimeSeconds()).isEqualTo(600);
    }

    @Property(tries = 300)
    void codeParserFailsOnlyWithIllegalArgument(@ForAll String text) {
        try {
            PairingCode.parse(text);
        } catch (IllegalArgumentException expected) {
            // the only declared failure
        }
    }

    static void decodeAll(byte[] body) {
        try {
            MailboxProtocol.Allocated.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Ticket.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Deposit.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Put.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Claim.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Claimed.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Wait.decode(body);
        } catch (WireFormatException expected) {
        }
        try {
            MailboxProtocol.Progress.decode(body);
        } catch (WireFormatException expected) {
        }
    }
}
