package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.pairing.RememberedPeers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code punchline peers}: the remembered peers; {@code rename} and {@code forget} change them. Works offline. */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = {"Lists the peers this device has paired with (name, fingerprint, paired, last seen).",
                "`punchline send --to NAME` reaches one without a code while both are online at the same relay."},
        subcommands = {PeersCommand.Rename.class, PeersCommand.Forget.class})
final class PeersCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the list as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<RememberedPeers.Peer> peers = store().all();
        EventPrinter printer = new EventPrinter(json, System.out, System.err);
        if (json) {
            printer.result("peers.list", "", "peers", peers);
            return ExitCodes.OK;
        }
        if (peers.isEmpty()) {
            System.out.println("No remembered peers yet. Pair with `punchline send PATH` and `punchline receive CODE`.");
            return ExitCodes.OK;
        }
        int width = Math.max(4, peers.stream().mapToInt(p -> p.name().length()).max().orElse(4));
        System.out.printf(Locale.ROOT, "%-" + width + "s  %-21s  %-20s  %s%n", "NAME", "FINGERPRINT", "PAIRED", "LAST SEEN");
        for (RememberedPeers.Peer peer : peers) {
            System.out.printf(Locale.ROOT, "%-" + width + "s  %-21s  %-20s  %s%n", peer.name(),
                    peer.peerId().shortFingerprint(), minutes(peer.pairedAt()), minutes(peer.lastSeen()));
        }
        return ExitCodes.OK;
    }

    private static String minutes(String instant) {
        return instant == null ? "-" : instant.length() > 16 ? instant.substring(0, 16).replace('T', ' ') : instant;
    }

    static RememberedPeers store() throws IOException {
        return RememberedPeers.load(DataFolders.config());
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Gives a remembered peer another name.")
    static final class Rename implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "NEW_NAME")
        String newName;

        @Override
        public Integer call() throws IOException {
            try {
                store().rename(name, newName);
            } catch (IllegalArgumentException e) {
                System.err.println("punchline peers rename: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            System.out.println("renamed '" + name + "' to '" + newName + "'");
            return ExitCodes.OK;
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = "Forgets a remembered peer: it can no longer dial or find this device until you pair again.")
    static final class Forget implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            if (!store().forget(name)) {
                System.err.println("punchline peers forget: no remembered peer named '" + name + "'");
                return ExitCodes.USAGE;
            }
            System.out.println("forgot '" + name + "'");
            return ExitCodes.OK;
        }
    }
}
