package io.punchline.portmap;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** When the mapper asks again: RFC 6886 section 3.3 and RFC 6887 section 11.2.1, with the time passed in. */
class MappingRenewalTest {

    static final PortMapping MAPPING = new PortMapping(GatewayProtocol.PCP, new InetSocketAddress("198.51.100.7", 60000),
            4433, 7200);

    @Test
    void aGrantedMappingIsRenewedHalfwayToItsExpiry() {
        MappingRenewal renewal = new MappingRenewal();
        assertThat(renewal.granted(MAPPING, 1_000)).isEqualTo(1_000 + 3_600_000);
        assertThat(renewal.current(1_000 + 7_199_999)).isEqualTo(MAPPING);
        assertThat(renewal.current(1_000 + 7_200_000)).isNull();
    }

    @Test
    void aFailedRenewalIsRetriedAtHalfTheTimeLeftUntilTheMappingExpiresAndIsLost() {
        MappingRenewal renewal = new MappingRenewal();
        renewal.granted(MAPPING, 0);
        MappingRenewal.Failure first = renewal.failed(3_600_000);
        assertThat(first).isEqualTo(new MappingRenewal.Failure(5_400_000, null));
        MappingRenewal.Failure second = renewal.failed(5_400_000);
        assertThat(second.nextAttemptMillis()).isEqualTo(6_300_000);
        long now = second.nextAttemptMillis();
        MappingRenewal.Failure failure;
        do {
            failure = renewal.failed(now);
            assertThat(failure.nextAttemptMillis()).isGreaterThan(now);
            now = failure.nextAttemptMillis();
        } while (failure.lost() == null && now < 7_200_000);
        failure = failure.lost() != null ? failure : renewal.failed(now);
        assertThat(failure.lost()).isEqualTo(MAPPING);
        assertThat(renewal.current(now)).isNull();
    }

    @Test
    void aRetryIsAtLeastOneSecondAfterTheLastButNeverAfterExpiry() {
        MappingRenewal renewal = new MappingRenewal();
        renewal.granted(MAPPING, 0);
        assertThat(renewal.failed(7_199_000).nextAttemptMillis()).isEqualTo(7_200_000);
        assertThat(renewal.failed(7_198_000).nextAttemptMillis()).isEqualTo(7_199_000);
    }

    @Test
    void withoutAMappingFailuresBackOffFrom30SecondsDoublingTo30Minutes() {
        MappingRenewal renewal = new MappingRenewal();
        long now = 0;
        long[] expected = {30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000};
        for (long delay : expected) {
            MappingRenewal.Failure failure = renewal.failed(now);
            assertThat(failure.lost()).isNull();
            assertThat(failure.nextAttemptMillis() - now).isEqualTo(delay);
            now = failure.nextAttemptMillis();
        }
    }

    @Test
    void aGrantAfterFailuresStartsTheBackoffAgain() {
        MappingRenewal renewal = new MappingRenewal();
        renewal.failed(0);
        renewal.failed(30_000);
        renewal.granted(MAPPING, 90_000);
        assertThat(renewal.failed(8_000_000)).isEqualTo(new MappingRenewal.Failure(8_030_000, MAPPING));
    }
}
