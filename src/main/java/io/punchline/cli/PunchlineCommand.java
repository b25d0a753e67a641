package io.punchline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The top-level {@code punchline} command. Its subcommands are added by {@link #addSubcommands}, not named in the
 * annotation: picocli builds a command's model by reflection over every option of every subcommand, and its classes
 * (class file version 49) never come from the class-data sharing archive, so building all nine took about a third of a
 * second of a cold start on the lab machine; a command line that names one subcommand gets only that one.
 */
@Command(name = "punchline",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Post-quantum peer-to-peer connections through a MASQUE relay, with hole punching.",
                "Without a command, opens the window (as `punchline app`)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure at run time (network, relay, peer or file error)",
                "2:bad command line",
                "3:pairing failed (wrong, used or expired code)",
                "4:the files were declined",
                "5:the transfer was cancelled"})
public final class PunchlineCommand implements Runnable {

    /** The subcommands in the order of the usage text, by name and alias. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("app", AppCommand::new);
        SUBCOMMANDS.put("send", SendCommand::new);
        SUBCOMMANDS.put("receive", ReceiveCommand::new);
        SUBCOMMANDS.put("peers", PeersCommand::new);
        SUBCOMMANDS.put("relay", RelayCommand::new);
        SUBCOMMANDS.put("id", IdCommand::new);
        SUBCOMMANDS.put("listen", ListenCommand::new);
        SUBCOMMANDS.put("dial", DialCommand::new);
        SUBCOMMANDS.put("self-check", SelfCheckCommand::new);
    }

    /** Aliases of subcommands (as their annotations declare them) to their names. */
    private static final Map<String, String> ALIASES = Map.of("ui", "app");

    /**
     * Adds to {@code commandLine} the subcommand {@code first} names (a name or an alias), or every subcommand when it
     * names none (help, the version, a mistyped command: picocli's messages then know them all).
     */
    static void addSubcommands(CommandLine commandLine, String first) {
        Supplier<Object> one = SUBCOMMANDS.get(ALIASES.getOrDefault(first, first));
        if (one != null) {
            commandLine.addSubcommand(one.get());
            return;
        }
        SUBCOMMANDS.values().forEach(command -> commandLine.addSubcommand(command.get()));
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
