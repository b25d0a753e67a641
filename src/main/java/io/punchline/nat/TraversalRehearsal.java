package io.punchline.nat;

import io.punchline.nat.TraversalAction.SendControl;
import io.punchline.nat.TraversalAction.SendProbe;
import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One traversal played between a client and a server {@link Traversal} in memory, on documentation addresses
 * (RFC 5737) and a made-up clock: candidates, a PUNCH_ME_NOW round, MACed challenges and responses through
 * {@link PathProbe}'s codec, control messages through {@link TraversalCodec}, up to both sides' switch to the direct
 * path. Nothing is sent anywhere. A fresh process runs it once while it connects to its relay, so the first real
 * traversal does not pay for loading and interpreting this code (it cost tens of milliseconds per step in a cold
 * process, on the path from session to direct).
 */
public final class TraversalRehearsal {

    private static final int MAX_STEPS = 200;

    private TraversalRehearsal() {
    }

    /** Plays the traversal; returns whether both sides went direct (they do, unless this code is broken). */
    public static boolean run() {
        InetSocketAddress clientAddress = address("198.51.100.20", 40000);
        InetSocketAddress serverAddress = address("203.0.113.50", 41000);
        InetSocketAddress clientRelay = address("192.0.2.1", 30002);
        InetSocketAddress serverRelay = address("192.0.2.1", 30001);
        long clientProbeId = 0x1111;
        long serverProbeId = 0x2222;
        byte[] probeKey = new byte[32]; // one per session, the same on both sides
        Random random = new Random(7);
        random.nextBytes(probeKey);
        Traversal client = new Traversal(TraversalRole.CLIENT, serverProbeId, serverRelay, Set.of(clientRelay), random);
        Traversal server = new Traversal(TraversalRole.SERVER, clientProbeId, clientRelay, Set.of(serverRelay), random);
        TraversalCodec toClient = new TraversalCodec(TraversalRole.CLIENT);
        TraversalCodec toServer = new TraversalCodec(TraversalRole.SERVER);
        long now = 0;
        try {
            List<TraversalAction> fromServer = server.start(
                    List.of(Candidate.of(Candidate.Type.SERVER_REFLEXIVE, serverAddress)), now);
            List<TraversalAction> fromClient = client.start(
                    List.of(Candidate.of(Candidate.Type.SERVER_REFLEXIVE, clientAddress)), now);
            for (int step = 0; step < MAX_STEPS; step++) {
                if (client.directPath().isPresent() && server.directPath().isPresent()) {
                    return true;
                }
                now += 5;
                List<TraversalAction> nextFromClient = new ArrayList<>();
                List<TraversalAction> nextFromServer = new ArrayList<>();
                deliver(fromServer, toClient, client, serverAddress, probeKey, now, nextFromClient);
                deliver(fromClient, toServer, server, clientAddress, probeKey, now, nextFromServer);
                nextFromClient.addAll(client.onTimer(now, client.wantsDirectTraffic(now)
                        ? new DirectTraffic(step, now, step) : null));
                nextFromServer.addAll(server.onTimer(now, server.wantsDirectTraffic(now)
                        ? new DirectTraffic(step, now, step) : null));
                fromClient = nextFromClient;
                fromServer = nextFromServer;
            }
            return false;
        } catch (TraversalProtocolException e) {
            throw new IllegalStateException("the rehearsal's own messages did not parse", e);
        } finally {
            client.close();
            server.close();
        }
    }

    /** Hands one side's control records and probes to the other, through the codecs, as they would travel. */
    private static void deliver(List<TraversalAction> actions, TraversalCodec codec, Traversal receiver,
                                InetSocketAddress sender, byte[] key, long now, List<TraversalAction> out)
            throws TraversalProtocolException {
        for (TraversalAction action : actions) {
            if (action instanceof SendControl control) {
                for (TraversalMessage message : control.messages()) {
                    List<TraversalMessage> parsed = new ArrayList<>();
                    codec.feed(ByteBuffer.wrap(TraversalCodec.encode(message)), parsed::add);
                    for (TraversalMessage each : parsed) {
                        out.addAll(receiver.onMessage(each, now));
                    }
                }
            } else if (action instanceof SendProbe probe) {
                ProbeVerdict verdict = PathProbe.decode(ByteBuffer.wrap(probe.probe().encode(key)), key);
                if (verdict instanceof ProbeVerdict.Accepted accepted) {
                    out.addAll(receiver.onProbe(accepted.probe(), sender, now));
                }
            }
        }
    }

    private static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(IpLiteral.parse(literal), port);
        } catch (WireFormatException e) {
            throw new IllegalStateException(e); // the literals above are well formed
        }
    }
}
