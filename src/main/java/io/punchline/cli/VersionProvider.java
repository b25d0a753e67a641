package io.punchline.cli;

import io.punchline.Version;
import picocli.CommandLine.IVersionProvider;

/** Prints the version without touching the network, the config folder or any UI toolkit. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"punchline " + Version.current()};
    }
}
