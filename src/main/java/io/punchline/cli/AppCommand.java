package io.punchline.cli;

import io.punchline.ui.DesktopMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code punchline app} (also {@code ui}, and {@code punchline} alone): opens the window. */
@Command(name = "app", aliases = "ui", mixinStandardHelpOptions = true,
        description = {"Opens the Punchline window (the default when no command is given).",
                "With no relay configured it starts an embedded relay in process."})
final class AppCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", hidden = true)
    String[] toolkitArgs = new String[0];

    @Override
    public Integer call() {
        // the only place the CLI reaches the ui package; JavaFX classes load from here on, never before
        return DesktopMain.open(toolkitArgs);
    }
}
