package io.punchline.natlab;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What {@code natlab.sh info} says about a lab (key=value lines), for {@link NatLab}: namespaces and addresses. */
final class LabInfo {

    final Map<String, String> namespaces = new HashMap<>();
    final Map<String, InetAddress> publicAddresses = new HashMap<>();
    final Map<String, List<InetAddress>> hostAddresses = new HashMap<>();
    final Map<String, InetAddress> publicAddresses6 = new HashMap<>();
    final Map<String, List<InetAddress>> hostAddresses6 = new HashMap<>();

    static LabInfo parse(String prefix, String info) throws UnknownHostException {
        LabInfo lab = new LabInfo();
        for (String line : info.split("\n")) {
            Map<String, String> kv = new HashMap<>();
            for (String token : line.strip().split(" +")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    kv.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            if (kv.containsKey("host")) {
                lab.namespaces.put(kv.get("host"), kv.get("ns"));
                lab.publicAddresses.put(kv.get("host"), InetAddress.getByName(kv.get("address")));
                if (kv.containsKey("address6")) {
                    lab.publicAddresses6.put(kv.get("host"), InetAddress.getByName(kv.get("address6")));
                }
            } else if (kv.containsKey("site")) {
                String site = kv.get("site");
                String[] ns = kv.get("ns").split(",");
                lab.namespaces.put(site, ns[0]);
                for (int i = 0; i < ns.length; i++) {
                    lab.namespaces.put(site + "-h" + (i + 1), ns[i]);
                }
                lab.namespaces.put(site + "-r", prefix + "-" + site + "-r");
                lab.namespaces.put(site + "-c", prefix + "-" + site + "-c");
                lab.publicAddresses.put(site, InetAddress.getByName(kv.get("public")));
                lab.hostAddresses.put(site, addresses(kv.get("hosts"))); // none on a v6only site
                if (kv.containsKey("hosts6")) {
                    lab.hostAddresses6.put(site, addresses(kv.get("hosts6")));
                }
            }
        }
        lab.namespaces.put("internet", prefix + "-inet");
        return lab;
    }

    private static List<InetAddress> addresses(String commaSeparated) throws UnknownHostException {
        List<InetAddress> result = new ArrayList<>();
        for (String a : commaSeparated.split(",")) {
            if (!a.isEmpty()) {
                result.add(InetAddress.getByName(a));
            }
        }
        return List.copyOf(result);
    }
}
