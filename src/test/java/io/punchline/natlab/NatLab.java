package io.punchline.natlab;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A NAT lab for tests: a thin Java wrapper over {@code lab/natlab.sh} (see docs/NATLAB.md). Needs root.
 *
 * <pre>{@code
 * try (NatLab lab = NatLab.up("pl1", Map.of("a", NatType.EIM_APDF, "b", NatType.APDM))) {
 *     Process relay = lab.exec("relay", List.of("java", "-jar", jar, "relay", "--listen", "198.18.0.10:4433"));
 *     Process peerA = lab.exec("a", List.of(...));
 *     lab.cutSite("a");  ...  lab.restoreSite("a");
 * }
 * }</pre>
 * Targets for {@link #exec}: {@code relay}, {@code aux}, {@code internet}, a site name (its first host), or
 * {@code SITE-hN} (its N-th host), {@code SITE-r} (its router), {@code SITE-c} (a cgnat or cgnat-sym site's carrier).
 * IPv6 (docs/NATLAB.md, "IPv6"): {@link Site#withIpv6()} and {@link NatType#V6ONLY} sites, {@link #ipv6Address} and
 * {@link #relayHost6()}.
 */
public final class NatLab implements AutoCloseable {

    /** The NAT behaviours of RFC 4787 the lab builds. */
    public enum NatType {
        /** No NAT: the host sits directly on the simulated internet. */
        PUBLIC("public"),
        /** Endpoint-independent mapping and filtering ("full cone"). */
        EIM_EIF("eim-eif"),
        /** Endpoint-independent mapping, address-dependent filtering ("restricted cone"). */
        EIM_ADF("eim-adf"),
        /** Endpoint-independent mapping, address-and-port-dependent filtering ("port-restricted cone"). */
        EIM_APDF("eim-apdf"),
        /** Address-and-port-dependent mapping and filtering ("symmetric"). */
        APDM("apdm"),
        /** Symmetric, allocating ports in sequence (one counter for every new flow). */
        APDM_SEQ("apdm-seq"),
        /** A home NAT (eim-apdf) behind a carrier NAT (eim-apdf). */
        CGNAT("cgnat"),
        /** A home NAT (eim-apdf) behind a symmetric carrier NAT (apdm): address-and-port-dependent mapping overall. */
        CGNAT_SYM("cgnat-sym"),
        /** No IPv4 at all: the hosts have global IPv6 addresses only, behind the router's stateful IPv6 firewall. */
        V6ONLY("v6only");

        private final String scriptName;

        NatType(String scriptName) {
            this.scriptName = scriptName;
        }

        public String scriptName() {
            return scriptName;
        }
    }

    /**
     * A site: its NAT, the number of hosts behind it, hairpinning, shaping of its WAN link (each way), and whether its
     * hosts have global IPv6 addresses too (behind a stateful firewall on the router; always for {@link NatType#V6ONLY}).
     */
    public record Site(NatType type, int hosts, boolean hairpin, int delayMs, double lossPercent, boolean ipv6) {
        public static Site of(NatType type) {
            return new Site(type, 1, false, 0, 0, type == NatType.V6ONLY);
        }

        public Site withHosts(int n) {
            return new Site(type, n, hairpin, delayMs, lossPercent, ipv6);
        }

        public Site withHairpin() {
            return new Site(type, hosts, true, delayMs, lossPercent, ipv6);
        }

        /** Delay added in each direction of the site's WAN link, and loss in each direction, in percent. */
        public Site withShaping(int delayMs, double lossPercent) {
            return new Site(type, hosts, hairpin, delayMs, lossPercent, ipv6);
        }

        /** Dual-stack: the hosts get a global IPv6 address too ({@code natlab.sh} site option {@code v6}). */
        public Site withIpv6() {
            return new Site(type, hosts, hairpin, delayMs, lossPercent, true);
        }
    }

    public static final Duration UP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Path script;
    private final String prefix;
    private LabInfo info = new LabInfo();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private boolean closed;
    private List<String> shaperCounters = List.of();

    private final Thread shutdownHook;

    private NatLab(Path script, String prefix) {
        this.script = script;
        this.prefix = prefix;
        // a JVM stopped before close() (e.g. killed by a build timeout) still takes its lab down
        this.shutdownHook = new Thread(() -> {
            try {
                close();
            } catch (IOException | RuntimeException e) {
                // best effort; "natlab.sh gc" or "down" cleans up later
            }
        }, "natlab-down-" + prefix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The lab script: system property {@code natlab.script}, or {@code lab/natlab.sh} in the working directory or above. */
    public static Path script() {
        String configured = System.getProperty("natlab.script");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("lab/natlab.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return Path.of("lab/natlab.sh").toAbsolutePath();
    }

    /** Empty when the lab can run here; otherwise why not (not root, tools missing, no namespaces). */
    public static Optional<String> unavailableReason() {
        Path script = script();
        if (!Files.isRegularFile(script)) {
            return Optional.of("lab script not found: " + script);
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("the NAT lab needs Linux network namespaces");
        }
        try {
            LabShell.Result r = LabShell.run(script, COMMAND_TIMEOUT, List.of("check"));
            return r.exitCode() == 0 ? Optional.empty() : Optional.of(r.stdout().strip().replace('\n', ';'));
        } catch (IOException e) {
            return Optional.of("cannot run " + script + ": " + e.getMessage());
        }
    }

    /** Brings up a lab with one host per site; the relay host is {@link #relayHost()}. */
    public static NatLab up(String prefix, Map<String, NatType> sites) throws IOException {
        Map<String, Site> full = new LinkedHashMap<>();
        sites.forEach((name, type) -> full.put(name, Site.of(type)));
        return upSites(prefix, full);
    }

    /** Brings up a lab; use a {@link LinkedHashMap} for a stable site order (site i gets 198.18.i.1). */
    public static NatLab upSites(String prefix, Map<String, Site> sites) throws IOException {
        Path script = script();
        List<String> args = new ArrayList<>(List.of("up", "--prefix", prefix, "--owner", Long.toString(ProcessHandle.current().pid())));
        sites.forEach((name, site) -> {
            StringBuilder spec = new StringBuilder(name).append(':').append(site.type().scriptName());
            if (site.hosts() != 1) {
                spec.append(",hosts=").append(site.hosts());
            }
            if (site.hairpin()) {
                spec.append(",hairpin");
            }
            if (site.ipv6() && site.type() != NatType.V6ONLY) {
                spec.append(",v6");
            }
            args.addAll(List.of("--site", spec.toString()));
            if (site.delayMs() > 0) {
                args.addAll(List.of("--delay", name + ":" + site.delayMs() + "ms"));
            }
            if (site.lossPercent() > 0) {
                args.addAll(List.of("--loss", name + ":" + String.format(Locale.ROOT, "%.4f", site.lossPercent()).replaceAll("\\.?0+$", "") + "%"));
            }
        });
        LabShell.Result r = LabShell.run(script, UP_TIMEOUT, args);
        if (r.exitCode() != 0) {
            LabShell.run(script, COMMAND_TIMEOUT, List.of("down", "--prefix", prefix));
            throw new IOException("natlab up failed (" + r.exitCode() + "): " + r.stderr());
        }
        NatLab lab = new NatLab(script, prefix);
        lab.info = LabInfo.parse(prefix, r.stdout());
        return lab;
    }

    /** Tears down any lab with this prefix (a leftover of a crashed run), and labs whose owner process is gone. */
    public static void cleanLeftovers(String prefix) throws IOException {
        Path script = script();
        LabShell.run(script, COMMAND_TIMEOUT, List.of("gc"));
        LabShell.run(script, COMMAND_TIMEOUT, List.of("down", "--prefix", prefix));
    }

    /** Deletes {@code dir} and everything in it, when it exists (an earlier run's logs). */
    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * A lab test's prefix: {@code -Dnatlab.prefix} when given (two worktrees running one lab test at once on one
     * machine), else the test's own.
     */
    static String prefix(String defaultPrefix) {
        String given = System.getProperty("natlab.prefix", "");
        return given.isBlank() ? defaultPrefix : given;
    }

    /**
     * A lab test's {@code @BeforeAll}: skips the test class with the reason when the lab cannot run here, else tears down
     * what a crashed run with this prefix left.
     */
    static void requireClean(String prefix) throws IOException {
        unavailableReason().ifPresent(reason -> Assumptions.abort("NAT lab not available: " + reason));
        cleanLeftovers(prefix);
    }

    /** A lab test's {@code @AfterAll}: tears down what is left of labs with this prefix, where the lab can run. */
    static void cleanUpAfter(String prefix) throws IOException {
        if (unavailableReason().isEmpty()) {
            cleanLeftovers(prefix);
        }
    }

    /** Tears down the lab with this prefix only, e.g. left over by a killed run (unlike {@link #cleanLeftovers}, no gc). */
    public static void down(String prefix) throws IOException {
        LabShell.run(script(), COMMAND_TIMEOUT, List.of("down", "--prefix", prefix));
    }

    public String prefix() {
        return prefix;
    }

    /** The namespace of a target (see the class comment). */
    public String namespace(String target) {
        String ns = info.namespaces.get(target);
        if (ns == null) {
            throw new IllegalArgumentException("no target " + target + " in lab " + prefix);
        }
        return ns;
    }

    /** A process builder for a command inside a target's namespace. */
    public ProcessBuilder processBuilder(String target, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(target)));
        full.addAll(command);
        return new ProcessBuilder(full);
    }

    /** Starts a command inside a target's namespace; the lab kills it on {@link #close()} at the latest. */
    public Process exec(String target, List<String> command) throws IOException {
        Process p = processBuilder(target, command).start();
        processes.add(p);
        return p;
    }

    /** Starts a builder from {@link #processBuilder} (after setting its redirects, environment); killed on {@link #close()}. */
    public Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    /** Runs a command inside a target's namespace to completion; throws if it fails or times out. */
    public String run(String target, Duration timeout, List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(target)));
        full.addAll(command);
        LabShell.Result r = LabShell.runCommand(full, timeout);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " in " + target + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r.stdout();
    }

    /** The address the internet sees for a site (its NAT's WAN address; the host's own for a public site). */
    public InetAddress publicAddress(String site) {
        return require(info.publicAddresses.get(site), site);
    }

    /** The address of a site's n-th host (1-based) on its LAN. */
    public InetAddress hostAddress(String site, int n) {
        return require(info.hostAddresses.get(site), site).get(n - 1);
    }

    /** The global IPv6 address of a v6 or v6only site's n-th host (1-based): what the internet sees, as there is no NAT66. */
    public InetAddress ipv6Address(String site, int n) {
        List<InetAddress> addresses = info.hostAddresses6.get(site);
        if (addresses == null) {
            throw new IllegalArgumentException("site " + site + " has no IPv6 in lab " + prefix);
        }
        return addresses.get(n - 1);
    }

    /** The relay host's IPv6 address (2001:db8::10), in a lab with an IPv6 site. */
    public InetAddress relayHost6() {
        return host6("relay");
    }

    /** The aux host's IPv6 address (2001:db8::11), in a lab with an IPv6 site. */
    public InetAddress auxHost6() {
        return host6("aux");
    }

    private InetAddress host6(String host) {
        InetAddress address = info.publicAddresses6.get(host);
        if (address == null) {
            throw new IllegalStateException("lab " + prefix + " has no IPv6 (no site with v6 or v6only)");
        }
        return address;
    }

    /** The public host meant for the relay: 198.18.0.10. */
    public InetAddress relayHost() {
        return info.publicAddresses.get("relay");
    }

    /** A second public host (198.18.0.11), e.g. for a second server or a probe from another address. */
    public InetAddress auxHost() {
        return info.publicAddresses.get("aux");
    }

    /** Drops a site's UDP mappings and blocks UDP on its WAN side until {@link #restoreSite}. */
    public void cutSite(String site) throws IOException {
        script(List.of("cut", "--prefix", prefix, site));
    }

    /** Blocks UDP between a site and {@code peer} only (the direct path to another site); the relay stays reachable. */
    public void cutSiteFrom(String site, InetAddress peer) throws IOException {
        script(List.of("cut", "--prefix", prefix, site, peer.getHostAddress()));
    }

    public void restoreSite(String site) throws IOException {
        script(List.of("restore", "--prefix", prefix, site));
    }

    /**
     * Starts counting the packets {@code site} sends to {@code peers} (e.g. another site's public address), where
     * they leave the site after every NAT layer (its outermost router's WAN; {@code natlab.sh count}), in total and
     * per UDP flow (public source port . address . port); starts from zero. Read it with {@link #countedPackets}.
     */
    public void countPacketsTo(String site, InetAddress... peers) throws IOException {
        List<String> args = new ArrayList<>(List.of("count", "--prefix", prefix, site));
        for (InetAddress peer : peers) {
            args.add(peer.getHostAddress());
        }
        script(args);
    }

    /**
     * The counters of {@link #countPacketsTo} as {@code nft -j list table ip natlab_count} prints them: counter
     * {@code peer} (all packets) and set {@code flows} (an element with a counter per UDP flow).
     */
    public String countedPackets(String site) throws IOException {
        LabShell.Result r = LabShell.run(script, COMMAND_TIMEOUT, List.of("counted", "--prefix", prefix, site));
        if (r.exitCode() != 0) {
            throw new IOException("natlab counted failed (" + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout();
    }

    /** Forgets all NAT mappings of the given sites (all sites when none given). */
    public void flush(String... sites) throws IOException {
        List<String> args = new ArrayList<>(List.of("flush", "--prefix", prefix));
        args.addAll(Arrays.asList(sites));
        script(args);
    }

    private LabShell.Result script(List<String> args) throws IOException {
        LabShell.Result r = LabShell.run(script, COMMAND_TIMEOUT, args);
        if (r.exitCode() != 0) {
            throw new IOException("natlab " + args.get(0) + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        return r;
    }

    /**
     * What the link shapers of a lab with delay or loss counted over its life, one line per shaper and direction
     * ("shaper SITE: up0->dn0 received N forwarded N lost N overflow N ..." and the frames the kernel dropped at a
     * full socket buffer); empty before {@link #close()} or without shapers.
     */
    public synchronized List<String> shaperCounters() {
        return shaperCounters;
    }

    /** Kills every process started in the lab and deletes all its namespaces. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        synchronized (processes) {
            for (Process p : processes) {
                p.destroy();
            }
        }
        shaperCounters = script(List.of("down", "--prefix", prefix)).stdout().lines()
                .filter(line -> line.startsWith("shaper ")).toList();
    }

    private static <T> T require(T value, String site) {
        if (value == null) {
            throw new IllegalArgumentException("no site " + site);
        }
        return value;
    }
}
