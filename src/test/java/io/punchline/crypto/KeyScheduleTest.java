package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class KeyScheduleTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void extractMatchesRfc5869TestCase1() {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        assertThat(HEX.formatHex(KeySchedule.extract(salt, ikm)))
                .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    }

    @Test
    void expandUsesLabelZeroContextAsInfo() {
        byte[] prk = new byte[32];
        byte[] context = {1, 2, 3};
        byte[] info = "punchline/1 session\0\1\2\3".getBytes(StandardCharsets.US_ASCII);
        // HKDF-Expand, first block: HMAC(PRK, info || 0x01)
        byte[] firstBlock = KeySchedule.hmac(prk, info, new byte[]{1});
        assertThat(KeySchedule.expand(prk, KeySchedule.SESSION, context, 32)).isEqualTo(firstBlock);
    }
}
