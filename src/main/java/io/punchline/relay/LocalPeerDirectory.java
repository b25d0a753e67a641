package io.punchline.relay;

import io.punchline.crypto.PeerId;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/** Finds peers among this relay's own binds: a relay without a fleet store, and every embedded relay. */
final class LocalPeerDirectory implements PeerDirectory {

    private final BindDirectory directory;

    LocalPeerDirectory(BindDirectory directory) {
        this.directory = directory;
    }

    @Override
    public CompletableFuture<Void> publish(Collection<BindTunnel> binds) {
        return CompletableFuture.completedFuture(null); // the binds are in the BindDirectory already
    }

    @Override
    public void withdraw(BindTunnel bind) {
    }

    @Override
    public InetSocketAddress find(PeerId target, PeerId asker) {
        // the newest bind: a restarted peer's old bind lingers until its connection times out
        UdpTunnel newest = null;
        for (UdpTunnel tunnel : directory.tunnels()) {
            RelayConnection owner = tunnel.connection();
            if (tunnel instanceof BindTunnel && !tunnel.isClosed() && target.equals(owner.peer())
                    && owner.finders().contains(asker)
                    && (newest == null || tunnel.openedNanos() - newest.openedNanos() > 0)) {
                newest = tunnel;
            }
        }
        return newest == null ? null : newest.publicAddress();
    }
}
