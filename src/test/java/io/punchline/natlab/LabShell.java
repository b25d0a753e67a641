package io.punchline.natlab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code lab/natlab.sh} and other commands to completion for {@link NatLab}: exit code and output, bounded in time. */
final class LabShell {

    private LabShell() {
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(Path script, Duration timeout, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        return runCommand(command, timeout);
    }

    static Result runCommand(List<String> command, Duration timeout) throws IOException {
        File out = File.createTempFile("natlab", ".out");
        File err = File.createTempFile("natlab", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted: " + command, e);
            }
            if (!done) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + command);
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            out.delete();
            err.delete();
        }
    }
}
