package io.punchline.relay;

/**
 * The pairing mailbox's steps as Redis Lua scripts (Redis 7.0 "EVAL"): each runs atomically, so two relays of a fleet
 * never hand out one nameplate twice nor both accept a claim of it. The rules are {@link Mailbox}'s; the keys, all
 * under the fleet's prefix {@code P}:
 * <pre>
 *   P np:N        hash of nameplate N (phase A allocated, O open, C claimed, N answered; tokens, commitment, cards),
 *                 expiring with the nameplate
 *   P tomb:N      why N is gone (E expired, B burnt, U used); written at allocation as E, so a nameplate that simply
 *                 expires answers "expired"; kept a tombstone lifetime after the end, N is not handed out meanwhile
 *   P open        sorted set of open nameplates by expiry;  P openby:CLIENT  the same per client address and PeerId
 *   P taken       sorted set of nameplates not to hand out (open or tombstone), by the end of their tombstone
 *   P wrong:CLIENT  sorted set of this client's wrong claims in the last hour
 * </pre>
 * Time is the Redis server's ({@code TIME}), one clock for the whole fleet. Tokens and commitments are compared through
 * {@code redis.sha1hex} of both sides, so the comparison's time says nothing about where they differ. Replies are
 * arrays: {@code OK, ...} or {@code F, why[, gone]}.
 */
final class MailboxScripts {

    private MailboxScripts() {
    }

    private static final String COMMON = """
            local p = ARGV[1]
            local tombMs = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function same(a, b)
              return a ~= false and b ~= false and a ~= nil and b ~= nil and redis.sha1hex(a) == redis.sha1hex(b)
            end
            local function gone(n)
              local why = redis.call('GET', p .. 'tomb:' .. n)
              return {'F', 'gone', why or ''}
            end
            local function bury(n, why)
              local e = p .. 'np:' .. n
              local addr = redis.call('HGET', e, 'addr')
              local peer = redis.call('HGET', e, 'peer')
              redis.call('ZREM', p .. 'open', n)
              if addr then redis.call('ZREM', p .. 'openby:' .. addr, n) end
              if peer and peer ~= '' then redis.call('ZREM', p .. 'openby:' .. peer, n) end
              redis.call('DEL', e)
              redis.call('SET', p .. 'tomb:' .. n, why, 'PX', tombMs)
              redis.call('ZADD', p .. 'taken', now + tombMs, n)
            end
            local function fresh(key, from)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', from)
              return redis.call('ZCARD', key)
            end
            """;

    /**
     * ARGV: prefix, tombstone ms, lifetime ms, max open, max per client, creator token, address id, PeerId id, random
     * candidates.
     */
    static final String ALLOCATE = COMMON + """
            local life = tonumber(ARGV[3])
            if fresh(p .. 'open', now) >= tonumber(ARGV[4]) then return {'F', 'full'} end
            local perClient = tonumber(ARGV[5])
            if fresh(p .. 'openby:' .. ARGV[7], now) >= perClient then return {'F', 'many'} end
            if ARGV[8] ~= '' and fresh(p .. 'openby:' .. ARGV[8], now) >= perClient then return {'F', 'many'} end
            local taken = fresh(p .. 'taken', now)
            local bound = 100
            while bound < 10000000 and taken * 4 > bound do bound = bound * 10 end
            for i = 9, #ARGV do
              local n = tostring(1 + (tonumber(ARGV[i]) % (bound - 1)))
              if redis.call('EXISTS', p .. 'tomb:' .. n) == 0 then
                local expires = now + life
                local e = p .. 'np:' .. n
                redis.call('HSET', e, 'phase', 'A', 'ctoken', ARGV[6], 'addr', ARGV[7], 'peer', ARGV[8])
                redis.call('PEXPIREAT', e, expires)
                redis.call('SET', p .. 'tomb:' .. n, 'E', 'PXAT', expires + tombMs)
                redis.call('ZADD', p .. 'taken', expires + tombMs, n)
                redis.call('ZADD', p .. 'open', expires, n)
                redis.call('ZADD', p .. 'openby:' .. ARGV[7], expires, n)
                redis.call('PEXPIREAT', p .. 'openby:' .. ARGV[7], expires)
                if ARGV[8] ~= '' then
                  redis.call('ZADD', p .. 'openby:' .. ARGV[8], expires, n)
                  redis.call('PEXPIREAT', p .. 'openby:' .. ARGV[8], expires)
                end
                return {'OK', n}
              end
            end
            return {'F', 'retry'}
            """;

    /** ARGV: prefix, tombstone ms, nameplate, creator token, commitment, sealed card. */
    static final String PUT = COMMON + """
            local e = p .. 'np:' .. ARGV[3]
            if redis.call('EXISTS', e) == 0 then return gone(ARGV[3]) end
            if not same(redis.call('HGET', e, 'ctoken'), ARGV[4]) then return {'F', 'notyours'} end
            if redis.call('HGET', e, 'phase') ~= 'A' then return {'F', 'deposited'} end
            redis.call('HSET', e, 'phase', 'O', 'commitment', ARGV[5], 'ccard', ARGV[6])
            return {'OK'}
            """;

    /**
     * ARGV: prefix, tombstone ms, nameplate, SHA-256 of the claim's proof, address id, PeerId id, wrong claims allowed
     * per hour, joiner token.
     */
    static final String CLAIM = COMMON + """
            local hourAgo = now - 3600000
            local limit = tonumber(ARGV[7])
            local byAddr = p .. 'wrong:' .. ARGV[5]
            local byPeer = ARGV[6] ~= '' and (p .. 'wrong:' .. ARGV[6]) or nil
            if fresh(byAddr, hourAgo) >= limit or (byPeer and fresh(byPeer, hourAgo) >= limit) then
              return {'F', 'many'}
            end
            local n = ARGV[3]
            local e = p .. 'np:' .. n
            if redis.call('EXISTS', e) == 0 then return gone(n) end
            local phase = redis.call('HGET', e, 'phase')
            if phase == 'A' then return {'F', 'notready'} end
            if phase == 'C' or phase == 'N' then return {'F', 'claimed'} end
            if not same(redis.call('HGET', e, 'commitment'), ARGV[4]) then
              bury(n, 'B')
              local mark = now .. ':' .. n
              redis.call('ZADD', byAddr, now, mark)
              redis.call('PEXPIRE', byAddr, 3600000)
              if byPeer then
                redis.call('ZADD', byPeer, now, mark)
                redis.call('PEXPIRE', byPeer, 3600000)
              end
              return {'F', 'wrong'}
            end
            redis.call('HSET', e, 'phase', 'C', 'jtoken', ARGV[8])
            return {'OK', redis.call('HGET', e, 'ccard')}
            """;

    /** ARGV: prefix, tombstone ms, nameplate, joiner token, sealed card. */
    static final String ANSWER = COMMON + """
            local e = p .. 'np:' .. ARGV[3]
            if redis.call('EXISTS', e) == 0 then return gone(ARGV[3]) end
            if not same(redis.call('HGET', e, 'jtoken'), ARGV[4]) then return {'F', 'notyours'} end
            if redis.call('HGET', e, 'phase') ~= 'C' then return {'F', 'deposited'} end
            redis.call('HSET', e, 'phase', 'N', 'jcard', ARGV[5])
            return {'OK'}
            """;

    /** ARGV: prefix, tombstone ms, nameplate, either side's token. */
    static final String BURN = COMMON + """
            local e = p .. 'np:' .. ARGV[3]
            if redis.call('EXISTS', e) == 0 then return gone(ARGV[3]) end
            local creator = same(redis.call('HGET', e, 'ctoken'), ARGV[4])
            if not creator and not same(redis.call('HGET', e, 'jtoken'), ARGV[4]) then return {'F', 'notyours'} end
            bury(ARGV[3], 'B')
            return {'OK'}
            """;

    /** One look of the creator's wait. ARGV: prefix, tombstone ms, nameplate, creator token. */
    static final String POLL = COMMON + """
            local e = p .. 'np:' .. ARGV[3]
            if redis.call('EXISTS', e) == 0 then return gone(ARGV[3]) end
            if not same(redis.call('HGET', e, 'ctoken'), ARGV[4]) then return {'F', 'notyours'} end
            local phase = redis.call('HGET', e, 'phase')
            if phase == 'N' then
              local card = redis.call('HGET', e, 'jcard')
              bury(ARGV[3], 'U')
              return {'OK', 'N', card}
            end
            return {'OK', phase}
            """;

    /** Open nameplates of one client id, or of all with an empty id. ARGV: prefix, tombstone ms, client id. */
    static final String COUNT_OPEN = COMMON + """
            local key = ARGV[3] == '' and (p .. 'open') or (p .. 'openby:' .. ARGV[3])
            return redis.call('ZCOUNT', key, '(' .. now, '+inf')
            """;
}
