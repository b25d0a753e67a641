package io.punchline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How {@link LabBenchmark} starts {@code punchline}: as the installed app runs, from the jar with a class-data sharing
 * archive of the application's classes (the .deb's postinst makes one where it installs; here a {@code self-check} at
 * the start of the run makes it, for the jar's class path string), or, when there is no current jar or the archive
 * cannot be made or is not used, from the class path without one. The table says which.
 */
record LabLauncher(List<String> command, String description) {

    private static final Path JAR = Path.of("target", "punchline.jar");
    private static final Path CLASSES = Path.of("target", "classes");
    private static final Path OPTIONS = Path.of("installers", "common.options");
    private static final Pattern JAVA_OPTION = Pattern.compile("--java-options \"([^\"]*)\"");
    /**
     * The installed launcher's JVM options, then {@code bench.javaOptions} (space-separated, none by default: for an A/B
     * of an engine property such as {@code -Dpunchline.rehearsal.megabytes=0}).
     */
    private static final List<String> INSTALLED_OPTIONS = withExtra(readInstalledOptions(),
            System.getProperty("bench.javaOptions", ""));

    static LabLauncher prepare(Path work) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (!Boolean.parseBoolean(System.getProperty("bench.cds", "true"))) {
            return classPath(java, "bench.cds=false");
        }
        if (!Files.isRegularFile(JAR) || newestClass().compareTo(Files.getLastModifiedTime(JAR)) > 0) {
            return classPath(java, JAR + " is missing or older than " + CLASSES + " (build it with mvn package)");
        }
        Path archive = work.resolve("punchline.jsa");
        Path home = Files.createTempDirectory("lab-bench-cds");
        try {
            ProcessBuilder dumping = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + archive, "-jar", JAR.toString(),
                    "self-check").redirectErrorStream(true).redirectOutput(work.resolve("cds-dump.log").toFile());
            dumping.environment().put("PUNCHLINE_HOME", home.toString());
            Process dump = dumping.start();
            ProcessBuilder check = new ProcessBuilder(java, "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load",
                    "-jar", JAR.toString(), "--version").redirectErrorStream(true);
            if (!dump.waitFor(180, TimeUnit.SECONDS) || dump.exitValue() != 0 || !Files.isRegularFile(archive)) {
                dump.destroyForcibly();
                return classPath(java, "making the class-data sharing archive failed (see " + work.resolve("cds-dump.log") + ")");
            }
            Process used = check.start();
            long shared;
            try (Stream<String> lines = new String(used.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()) {
                shared = lines.filter(line -> line.contains("shared objects file (top)")).count();
            }
            used.waitFor(60, TimeUnit.SECONDS);
            if (shared == 0) {
                return classPath(java, "the JVM did not use the class-data sharing archive it made");
            }
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(INSTALLED_OPTIONS);
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-jar", JAR.toString()));
            return new LabLauncher(List.copyOf(command), "punchline ran as `java " + String.join(" ", INSTALLED_OPTIONS)
                    + " -XX:SharedArchiveFile=" + work.relativize(archive) + " -jar " + JAR
                    + "` (the installed launcher's JVM options from " + OPTIONS + "; application class-data sharing, archive"
                    + " made by a self-check at the start of the run, as the .deb's postinst makes one; " + shared
                    + " classes of `--version` from it)");
        } finally {
            LabBenchmark.deleteTree(home);
        }
    }

    private static LabLauncher classPath(String java, String why) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(INSTALLED_OPTIONS);
        command.addAll(List.of("-cp", LabProcess.classPath(), LabBenchmark.LAUNCHER));
        return new LabLauncher(List.copyOf(command), "punchline ran from the class path with the installed launcher's JVM"
                + " options (" + String.join(" ", INSTALLED_OPTIONS) + "), without class-data sharing: " + why);
    }

    /**
     * The {@code --java-options} of the installers' common options (the heap settings the installed app runs with), in
     * order; the benchmark measures the app as installed.
     */
    static List<String> installedOptions(List<String> optionLines) {
        List<String> options = new ArrayList<>();
        for (String line : optionLines) {
            Matcher m = JAVA_OPTION.matcher(line.trim());
            if (m.matches() && !m.group(1).contains("$APPDIR")) {
                options.add(m.group(1));
            }
        }
        return List.copyOf(options);
    }

    static List<String> withExtra(List<String> installed, String extra) {
        List<String> options = new ArrayList<>(installed);
        for (String option : extra.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return List.copyOf(options);
    }

    private static List<String> readInstalledOptions() {
        try {
            return installedOptions(Files.readAllLines(OPTIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the launcher's options in " + OPTIONS, e);
        }
    }

    private static FileTime newestClass() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            return files.filter(Files::isRegularFile).map(file -> {
                try {
                    return Files.getLastModifiedTime(file);
                } catch (IOException e) {
                    return FileTime.fromMillis(0);
                }
            }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }
}
