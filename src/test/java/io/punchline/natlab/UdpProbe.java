package io.punchline.natlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable UDP agent for the NAT lab: started inside a lab namespace (`ip netns exec NS java -cp
 * target/test-classes io.punchline.natlab.UdpProbe`), it reads one command per line on stdin and answers
 * with exactly one line on stdout. Sockets are named, so one agent can hold several.
 *
 * <pre>
 * bind NAME PORT                       -> ok NAME LOCALPORT          (PORT 0: any free port)
 * send NAME IP PORT TEXT [COPIES]      -> ok NAME                    (COPIES datagrams, 20 ms apart)
 * expect NAME TEXT TIMEOUT_MS          -> got NAME IP:PORT TEXT | timeout NAME
 *                                         (datagrams with other text are discarded)
 * echo NAME SECONDS                    -> ok NAME                    (a thread echoes every datagram back
 *                                         to its source for SECONDS; the socket is then only for echo)
 * rtt NAME IP PORT COUNT GAP_MS WAIT_MS -> rtt NAME sent N received M min A median B max C   (ms; sends
 *                                         COUNT numbered datagrams GAP_MS apart to an echo socket)
 * blast NAME IP PORT COUNT SIZE        -> blast NAME sent N ms T     (COUNT datagrams of SIZE bytes, at once)
 * count NAME IDLE_MS [SIZE]            -> count NAME datagrams N bytes B ms T [unlike U]   (receives until
 *                                         IDLE_MS pass without a datagram; T from the first to the last one; with
 *                                         SIZE, U datagrams not of that size or not in {@link GsoBlaster}'s pattern)
 * udp-errors                           -> udp-errors checksum C buffer B   (this namespace's UDP InCsumErrors and
 *                                         RcvbufErrors, /proc/net/snmp)
 * close NAME                           -> ok NAME
 * quit                                 -> bye
 * </pre>
 * Errors answer "error MESSAGE". Every wait is bounded; the agent exits when stdin closes, and after
 * {@code -Dnatlab.probe.lifetime} seconds (default 1800) at the latest.
 */
public final class UdpProbe {

    private static final int MAX_WAIT_MS = 30_000;
    private final Map<String, DatagramSocket> sockets = new HashMap<>();
    private UdpProbe() {
    }

    public static void main(String[] args) throws IOException {
        // the agent lives as long as its controller keeps stdin open, and never longer than this
        long lifetimeSeconds = Long.getLong("natlab.probe.lifetime", 1800);
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(lifetimeSeconds * 1000);
                System.err.println("UdpProbe: lifetime of " + lifetimeSeconds + " s reached");
                System.exit(3);
            } catch (InterruptedException e) {
                // exiting anyway
            }
        }, "lifetime");
        limit.setDaemon(true);
        limit.start();
        UdpProbe probe = new UdpProbe();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("quit")) {
                System.out.println("bye");
                break;
            }
            String answer;
            try {
                answer = probe.handle(line.split(" +"));
            } catch (Exception e) {
                answer = "error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println(answer);
            System.out.flush();
        }
        probe.sockets.values().forEach(DatagramSocket::close);
        System.exit(0);
    }

    private String handle(String[] a) throws IOException, InterruptedException {
        switch (a[0]) {
            case "bind": {
                need(a, 3);
                if (sockets.containsKey(a[1])) {
                    throw new IllegalArgumentException("socket " + a[1] + " exists");
                }
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(Integer.parseInt(a[2])));
                sockets.put(a[1], s);
                return "ok " + a[1] + " " + s.getLocalPort();
            }
            case "send": {
                need(a, 5);
                DatagramSocket s = socket(a[1]);
                byte[] data = a[4].getBytes(StandardCharsets.UTF_8);
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(a[2]), Integer.parseInt(a[3]));
                int copies = a.length > 5 ? Math.min(Integer.parseInt(a[5]), 20) : 1;
                for (int i = 0; i < copies; i++) {
                    if (i > 0) {
                        Thread.sleep(20);
                    }
                    s.send(new DatagramPacket(data, data.length, to));
                }
                return "ok " + a[1];
            }
            case "expect": {
                need(a, 4);
                return expect(a[1], a[2], Math.min(Integer.parseInt(a[3]), MAX_WAIT_MS));
            }
            case "echo": {
                need(a, 3);
                DatagramSocket s = socket(a[1]);
                long until = System.nanoTime() + Math.min(Long.parseLong(a[2]), 3600) * 1_000_000_000L;
                Thread t = new Thread(() -> echo(s, until), "echo-" + a[1]);
                t.setDaemon(true);
                t.start();
                return "ok " + a[1];
            }
            case "rtt": {
                need(a, 7);
                return rtt(a[1], InetAddress.getByName(a[2]), Integer.parseInt(a[3]), Math.min(Integer.parseInt(a[4]), 10_000),
                        Math.min(Integer.parseInt(a[5]), 1000), Math.min(Integer.parseInt(a[6]), MAX_WAIT_MS));
            }
            case "blast": {
                need(a, 6);
                DatagramSocket s = socket(a[1]);
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(a[2]), Integer.parseInt(a[3]));
                int n = Math.min(Integer.parseInt(a[4]), 10_000_000);
                byte[] data = new byte[Math.min(Integer.parseInt(a[5]), 65_000)];
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    s.send(new DatagramPacket(data, data.length, to));
                }
                return "blast " + a[1] + " sent " + n + " ms " + (System.nanoTime() - start) / 1_000_000;
            }
            case "count": {
                need(a, 3);
                DatagramSocket s = socket(a[1]);
                int idle = Math.min(Integer.parseInt(a[2]), MAX_WAIT_MS);
                int size = a.length > 3 ? Integer.parseInt(a[3]) : -1;
                int unlike = 0;
                long deadline = System.nanoTime() + 10L * MAX_WAIT_MS * 1_000_000L;
                long first = 0, last = 0, bytes = 0;
                int n = 0;
                byte[] buf = new byte[65536];
                s.setSoTimeout(idle);
                while (System.nanoTime() < deadline) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        if (n > 0 || System.nanoTime() > deadline - 9L * MAX_WAIT_MS * 1_000_000L) {
                            break;
                        }
                        continue;
                    }
                    last = System.nanoTime();
                    if (n++ == 0) {
                        first = last;
                    }
                    bytes += p.getLength();
                    if (size >= 0 && !blasted(p, size)) {
                        unlike++;
                    }
                }
                return "count " + a[1] + " datagrams " + n + " bytes " + bytes + " ms " + (last - first) / 1_000_000
                        + (size >= 0 ? " unlike " + unlike : "");
            }
            case "udp-errors": {
                List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                        .filter(l -> l.startsWith("Udp: ")).toList();
                List<String> names = List.of(udp.get(0).split(" ")), values = List.of(udp.get(1).split(" "));
                return "udp-errors checksum " + values.get(names.indexOf("InCsumErrors")) + " buffer "
                        + values.get(names.indexOf("RcvbufErrors"));
            }
            case "close": {
                need(a, 2);
                DatagramSocket s = sockets.remove(a[1]);
                if (s != null) {
                    s.close();
                }
                return "ok " + a[1];
            }
            default:
                throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    /** Whether a datagram is one {@link GsoBlaster} sent: {@code size} bytes, its number, then its number plus offset. */
    private static boolean blasted(DatagramPacket p, int size) {
        if (p.getLength() != size || size < 4) {
            return false;
        }
        byte[] b = p.getData();
        int o = p.getOffset();
        int i = ByteBuffer.wrap(b, o, 4).getInt();
        for (int k = 4; k < size; k++) {
            if (b[o + k] != (byte) (i + k)) {
                return false;
            }
        }
        return true;
    }

    private String expect(String name, String text, int timeoutMs) throws IOException {
        DatagramSocket s = socket(name);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        byte[] buf = new byte[65536];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return "timeout " + name;
            }
            s.setSoTimeout((int) Math.max(1, left));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return "timeout " + name;
            }
            String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (got.equals(text)) {
                return "got " + name + " " + p.getAddress().getHostAddress() + ":" + p.getPort() + " " + got;
            }
        }
    }

    private static void echo(DatagramSocket s, long until) {
        byte[] buf = new byte[65536];
        try {
            while (System.nanoTime() < until) {
                s.setSoTimeout(200);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
        } catch (IOException e) {
            // socket closed: the echo ends
        }
    }

    private String rtt(String name, InetAddress ip, int port, int count, int gapMs, int waitMs) throws IOException, InterruptedException {
        DatagramSocket s = socket(name);
        long[] sentAt = new long[count];
        int run = (int) System.nanoTime(); // echoes of an earlier run on this socket are not counted
        AtomicInteger sent = new AtomicInteger();
        List<Long> rtts = Collections.synchronizedList(new ArrayList<>());
        boolean[] seen = new boolean[count];
        long start = System.nanoTime();
        long stopAt = start + ((long) count * gapMs + waitMs) * 1_000_000L;
        Thread receiver = new Thread(() -> {
            byte[] buf = new byte[64];
            try {
                while (System.nanoTime() < stopAt) {
                    s.setSoTimeout(50);
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (p.getLength() == 12 && ByteBuffer.wrap(buf, 0, 4).getInt() == 0x52545450) {
                        int seq = ByteBuffer.wrap(buf, 4, 4).getInt();
                        int tag = ByteBuffer.wrap(buf, 8, 4).getInt();
                        if (tag == run && seq >= 0 && seq < sent.get() && !seen[seq]) {
                            seen[seq] = true;
                            rtts.add(System.nanoTime() - sentAt[seq]);
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }, "rtt-" + name);
        receiver.start();
        for (int i = 0; i < count; i++) {
            byte[] data = ByteBuffer.allocate(12).putInt(0x52545450).putInt(i).putInt(run).array();
            sentAt[i] = System.nanoTime();
            sent.incrementAndGet();
            s.send(new DatagramPacket(data, data.length, ip, port));
            Thread.sleep(gapMs);
        }
        receiver.join(waitMs + 2000L);
        List<Long> sorted;
        synchronized (rtts) {
            sorted = new ArrayList<>(rtts);
        }
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return "rtt " + name + " sent " + count + " received 0 min -1 median -1 max -1";
        }
        return String.format("rtt %s sent %d received %d min %.2f median %.2f max %.2f", name, count, sorted.size(),
                sorted.get(0) / 1e6, sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }

    private DatagramSocket socket(String name) {
        DatagramSocket s = sockets.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no socket " + name);
        }
        return s;
    }

    private static void need(String[] a, int n) {
        if (a.length < n) {
            throw new IllegalArgumentException("too few arguments for " + a[0]);
        }
    }
}
