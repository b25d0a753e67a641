package io.punchline.cli;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;

/**
 * Entry point of the {@code punchline} command and of the installed app. It is a plain main class (not a JavaFX
 * {@code Application}) so that {@code --version} and the CLI subcommands never start a UI toolkit; without arguments
 * it runs {@code app}, which opens the window.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        // Netty 4.2 reports its buffer allocations as JFR events whenever the JDK has JFR, recording or not: the first
        // one registers JFR's event metadata and generates its handler classes at run time (about 100 classes, 180 ms
        // of a cold JVM, then C2 compiling the bytecode generator), in the middle of the first transfer.
        // -Dio.netty.jfr.enabled=true turns the events back on (set before Netty's PlatformDependent reads it).
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // Netty's leak detector samples buffer allocations with a stack trace each (about 40,000 per GB moved); a
        // release build has no use for it. -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Preload.startFor(args.length == 0 ? "app" : args[0]);
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (see {@link ExitCodes}). */
    public static int run(String... args) {
        if (args.length == 0) {
            args = new String[]{"app"};
        }
        CommandLine commandLine = new CommandLine(new PunchlineCommand());
        PunchlineCommand.addSubcommands(commandLine, args[0]);
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
            cl.getErr().println("punchline: " + ex.getMessage());
            return ExitCodes.FAILURE;
        });
        return commandLine.execute(args);
    }
}
