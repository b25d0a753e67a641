package io.punchline.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code punchline} command. */
@Command(name = "punchline",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Post-quantum peer-to-peer connections through a MASQUE relay, with hole punching.",
                "Without a command, opens the window (as `punchline app`)."},
        subcommands = {AppCommand.class, SendCommand.class, ReceiveCommand.class, PeersCommand.class, RelayCommand.class,
                IdCommand.class, ListenCommand.class, DialCommand.class, SelfCheckCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure at run time (network, relay, peer or file error)",
                "2:bad command line",
                "3:pairing failed (wrong, used or expired code)",
                "4:the files were declined",
                "5:the transfer was cancelled"})
public final class PunchlineCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
