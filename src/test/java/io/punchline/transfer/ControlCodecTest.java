package io.punchline.transfer;

import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Answer;
import io.punchline.transfer.ControlMessage.Complete;
import io.punchline.transfer.ControlMessage.Decline;
import io.punchline.transfer.ControlMessage.FileDone;
import io.punchline.transfer.ControlMessage.Offer;
import io.punchline.transfer.ControlMessage.Request;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlCodecTest {

    static final byte[] HASH = new byte[32];

    static {
        Arrays.fill(HASH, (byte) 0xAB);
    }

    static final TransferId ID = new TransferId(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));

    static Manifest small() {
        return new Manifest(List.of(ManifestEntry.directory("d", 0755), ManifestEntry.file("d/a", 3, 0644, HASH)));
    }

    @Test
    void anOfferOfOneFolderAndOneFileHasExactlyTheseBytes() {
        String expected = "01" + "3f"                        // OFFER, length 63
                + "000102030405060708090a0b0c0d0e0f" + "02"  // id, 2 entries
                + "01" + "01" + "64" + "00" + "41ed"         // folder "d", size 0, mode 0755
                + "00" + "03" + "642f61" + "03" + "41a4"     // file "d/a", size 3, mode 0644
                + "ab".repeat(32);
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(new Offer(ID, small())))).isEqualTo(expected);
    }

    @Test
    void everyMessageSurvivesARoundTripThroughBytesAndThroughAStream() throws Exception {
        List<ControlMessage> messages = List.of(new Offer(ID, small()), new Answer(List.of(new Request(1, 0), new Request(7, 1L << 40))),
                new Decline(), new FileDone(99_999), new Complete(3, 1L << 33), new Abort(Abort.Reason.FAILED, "disk full: café"));
        for (ControlMessage message : messages) {
            byte[] bytes = ControlCodec.encode(message);
            assertThat(ControlCodec.decode(ByteBuffer.wrap(bytes))).isEqualTo(message);
            assertThat(ControlCodec.read(new ByteArrayInputStream(bytes))).isEqualTo(message);
        }
        assertThat(ControlCodec.read(new ByteArrayInputStream(new byte[0]))).isNull();
    }

    @Test
    void aLongAbortMessageIsCutToItsBound() throws Exception {
        Abort abort = (Abort) ControlCodec.decode(ByteBuffer.wrap(ControlCodec.encode(new Abort(Abort.Reason.CANCELLED, "é".repeat(2000)))));
        assertThat(abort.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ControlCodec.MAX_ABORT_MESSAGE);
    }

    @Test
    void anUnknownEntryKindSuchAsASymlinkRefusesTheWholeManifest() {
        byte[] bytes = ControlCodec.encode(new Offer(ID, small()));
        bytes[19] = 0x02; // the folder entry's kind: 2 would be a symlink
        assertThatThrownBy(() -> ControlCodec.decode(ByteBuffer.wrap(bytes))).isInstanceOf(TransferProtocolException.class)
                .hasMessageContaining("entry 0 \"d\": unknown kind 2");
    }

    @Test
    void aHostileNameInAnOfferRefusesItAsAWholeNamingTheEntry() {
        Manifest bad = new Manifest(List.of(ManifestEntry.file("ok", 1, 0644, HASH), ManifestEntry.file("../x", 1, 0644, HASH)));
        byte[] bytes = ControlCodec.encode(new Offer(ID, bad));
        assertThatThrownBy(() -> ControlCodec.decode(ByteBuffer.wrap(bytes))).isInstanceOf(TransferProtocolException.class)
                .hasMessageContaining("entry 1 \"../x\"");
    }

    @Test
    void boundsAreCheckedBeforeAnythingIsAllocated() {
        // OFFER claiming a 1 GiB body
        assertThatThrownBy(() -> ControlCodec.read(new ByteArrayInputStream(HexFormat.of().parseHex("01c000000040000000"))))
                .isInstanceOf(TransferProtocolException.class).hasMessageContaining("above the limit");
        // an OFFER with 2^30 entries
        byte[] many = HexFormat.of().parseHex("0114000102030405060708090a0b0c0d0e0fbfffffff");
        assertThatThrownBy(() -> ControlCodec.decode(ByteBuffer.wrap(many))).isInstanceOf(TransferProtocolException.class)
                .hasMessageContaining("entry count");
        // a mode with more than permission bits
        Manifest setuid = new Manifest(List.of(ManifestEntry.file("a", 1, 04755, HASH)));
        assertThatThrownBy(() -> ControlCodec.decode(ByteBuffer.wrap(ControlCodec.encode(new Offer(ID, setuid)))))
                .isInstanceOf(TransferProtocolException.class).hasMessageContaining("mode");
    }

    @Test
    void fileHeaderAndPartStateRoundTrip() throws Exception {
        FileHeader header = new FileHeader(ID, 5, 1 << 20);
        assertThat(HexFormat.of().formatHex(header.encode())).isEqualTo("000102030405060708090a0b0c0d0e0f" + "05" + "80100000");
        assertThat(FileHeader.decode(ByteBuffer.wrap(header.encode()))).isEqualTo(header);
        assertThat(FileHeader.read(new ByteArrayInputStream(header.encode()))).isEqualTo(header);
        PartState state = new PartState(HASH, 10, 4, HASH, "a.txt.part");
        assertThat(PartState.decode(ByteBuffer.wrap(state.encode()))).isEqualTo(state);
    }

    @Test
    void aVersionTwoPartStateIsReadWithThePrefixHashItsDigestStateFinishesWith() throws Exception {
        // written by the versions before 2026-12-04: BouncyCastle's digest state in place of the prefix hash
        byte[] prefix = "the first four".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.bouncycastle.crypto.digests.SHA256Digest digest = new org.bouncycastle.crypto.digests.SHA256Digest();
        digest.update(prefix, 0, prefix.length);
        byte[] encodedState = digest.getEncodedState();
        ByteBuffer v2 = ByteBuffer.allocate(1024);
        v2.put("PLPS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        io.punchline.wire.QuicVarint.encode(2, v2);
        v2.put(HASH);
        io.punchline.wire.QuicVarint.encode(100, v2);
        io.punchline.wire.QuicVarint.encode(prefix.length, v2);
        io.punchline.wire.QuicVarint.encode(encodedState.length, v2);
        v2.put(encodedState);
        io.punchline.wire.QuicVarint.encode(10, v2);
        v2.put("a.txt.part".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PartState read = PartState.decode(v2.flip());
        assertThat(read.prefixSha256()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(prefix));
        assertThat(read.verifiedOffset()).isEqualTo(prefix.length);
        assertThat(read.partName()).isEqualTo("a.txt.part");
        // a version 2 state whose digest state is not one is refused, not a crash
        ByteBuffer broken = ByteBuffer.allocate(64);
        broken.put("PLPS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        io.punchline.wire.QuicVarint.encode(2, broken);
        broken.put(HASH);
        io.punchline.wire.QuicVarint.encode(100, broken);
        io.punchline.wire.QuicVarint.encode(4, broken);
        io.punchline.wire.QuicVarint.encode(3, broken);
        broken.put(new byte[] {1, 2, 3});
        io.punchline.wire.QuicVarint.encode(1, broken);
        broken.put((byte) 'a');
        assertThatThrownBy(() -> PartState.decode(broken.flip())).isInstanceOf(TransferProtocolException.class);
    }
}
