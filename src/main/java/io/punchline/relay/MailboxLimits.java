package io.punchline.relay;

import java.time.Duration;

/**
 * Bounds of the relay's pairing mailbox and peer finding (docs/SECURITY.md section 7.4).
 *
 * @param lifetime          how long a nameplate stays open (the code's validity)
 * @param maxOpen           nameplates open at once on the relay
 * @param maxOpenPerClient  nameplates open at once per client address, and per authenticated PeerId
 * @param tombstoneLifetime how long an expired, burnt or used nameplate is remembered (so its number answers "expired"
 *                          or "used", not "no such code") and kept out of new allocations
 * @param findsPerSecond    peer-find requests per asking PeerId per second (token bucket, burst of the same size)
 * @param wrongClaimsPerHour claims with a wrong proof (each burns a nameplate) per client address and per PeerId in
 *                          any hour; beyond that the client's claims are refused (429) without touching the nameplate
 */
public record MailboxLimits(Duration lifetime, int maxOpen, int maxOpenPerClient, Duration tombstoneLifetime,
                            int findsPerSecond, int wrongClaimsPerHour) {

    /** 10 minutes, 1000 open, 8 per client, tombstones for an hour, 2 finds per second, 10 wrong claims an hour. */
    public static final MailboxLimits DEFAULT =
            new MailboxLimits(Duration.ofMinutes(10), 1000, 8, Duration.ofHours(1), 2, 10);

    public MailboxLimits {
        if (lifetime.isNegative() || lifetime.isZero() || maxOpen < 1 || maxOpenPerClient < 1 || findsPerSecond < 1
                || wrongClaimsPerHour < 1 || tombstoneLifetime.compareTo(lifetime) < 0) {
            throw new IllegalArgumentException("mailbox limits must be positive, tombstones kept at least a lifetime");
        }
    }

    public MailboxLimits withLifetime(Duration duration) {
        return new MailboxLimits(duration, maxOpen, maxOpenPerClient,
                tombstoneLifetime.compareTo(duration) < 0 ? duration : tombstoneLifetime, findsPerSecond,
                wrongClaimsPerHour);
    }

    public MailboxLimits withOpen(int all, int perClient) {
        return new MailboxLimits(lifetime, all, perClient, tombstoneLifetime, findsPerSecond, wrongClaimsPerHour);
    }

    public MailboxLimits withFindsPerSecond(int perSecond) {
        return new MailboxLimits(lifetime, maxOpen, maxOpenPerClient, tombstoneLifetime, perSecond, wrongClaimsPerHour);
    }

    public MailboxLimits withWrongClaimsPerHour(int perHour) {
        return new MailboxLimits(lifetime, maxOpen, maxOpenPerClient, tombstoneLifetime, findsPerSecond, perHour);
    }
}
