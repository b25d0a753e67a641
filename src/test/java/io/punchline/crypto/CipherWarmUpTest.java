package io.punchline.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

/** The warm-up seals and opens its own records and packets (a record it cannot open would mean a broken cipher use). */
class CipherWarmUpTest {

    @Test
    void theWarmUpOpensEveryRecordAndPacketItSealed() {
        assertThatCode(CipherWarmUp::run).doesNotThrowAnyException();
    }
}
