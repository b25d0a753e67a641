package io.punchline.portmap;

import io.punchline.wire.IpLiteral;
import io.punchline.wire.WireFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;

/**
 * A UPnP-IGD client for one UDP mapping: SSDP search (answers only from the gateway's address), the device description
 * from the gateway (its URL and the control URL must name the gateway's address: a LAN host cannot point us at itself),
 * then SOAP: AddPortMapping suggesting the internal port (on 718 ConflictInMappingEntry, IGDv2's AddAnyPortMapping, or
 * one random port on IGDv1; on 725 OnlyPermanentLeasesSupported, lease 0), GetExternalIPAddress, and DeletePortMapping
 * on exit. HTTP is plain blocking {@link HttpURLConnection} without proxies, 2 s timeouts, answers read up to 64 KiB.
 */
final class UpnpIgdClient implements MappingClient {

    /** A permanent lease (lease 0) is checked again after this long, as if it expired. */
    static final long PERMANENT_RENEWAL_SECONDS = 3600;
    private static final int TIMEOUT_MILLIS = 2000;

    private final InetAddress gateway;
    private final InetSocketAddress ssdpTarget;
    private IgdService service;
    private InetAddress localAddress;
    private PortMapping held;

    /** @param ssdpTarget where M-SEARCH goes: {@link SsdpSearch#MULTICAST}, or the gateway itself in tests */
    UpnpIgdClient(InetAddress gateway, InetSocketAddress ssdpTarget) {
        this.gateway = gateway;
        this.ssdpTarget = ssdpTarget;
    }

    @Override
    public GatewayProtocol protocol() {
        return GatewayProtocol.UPNP_IGD;
    }

    @Override
    public PortMapping map(int internalPort, long lifetimeSeconds) throws IOException {
        if (service == null) {
            service = discover();
        }
        int externalPort = held != null ? held.external().getPort() : internalPort;
        long lease = lifetimeSeconds;
        IgdAnswer answer = call(IgdAction.addPortMapping(service, false, externalPort, internalPort,
                localAddress.getHostAddress(), lease));
        if (answer.errorCode() == IgdAnswer.ONLY_PERMANENT_LEASES_SUPPORTED) {
            lease = 0;
            answer = call(IgdAction.addPortMapping(service, false, externalPort, internalPort, localAddress.getHostAddress(), 0));
        }
        if (answer.errorCode() == IgdAnswer.CONFLICT_IN_MAPPING_ENTRY) {
            if (service.isVersion2()) {
                answer = call(IgdAction.addPortMapping(service, true, externalPort, internalPort,
                        localAddress.getHostAddress(), lease));
                externalPort = port(answer.values().get("NewReservedPort"), externalPort);
            } else {
                externalPort = 1024 + new SecureRandom().nextInt(65536 - 1024);
                answer = call(IgdAction.addPortMapping(service, false, externalPort, internalPort,
                        localAddress.getHostAddress(), lease));
            }
        }
        if (!answer.isSuccess()) {
            throw new IOException("UPnP gateway refused the mapping: error " + answer.errorCode() + " "
                    + answer.errorDescription());
        }
        IgdAnswer address = call(IgdAction.getExternalIpAddress(service));
        held = new PortMapping(GatewayProtocol.UPNP_IGD, new InetSocketAddress(externalAddress(address), externalPort),
                internalPort, lease == 0 ? PERMANENT_RENEWAL_SECONDS : lease);
        return held;
    }

    @Override
    public void delete() throws IOException {
        if (held != null && service != null) {
            PortMapping mapping = held;
            held = null;
            call(IgdAction.deletePortMapping(service, mapping.external().getPort()));
        }
    }

    /** GetExternalIPAddress's IPv4 literal (never a name: nothing a LAN host says is resolved). */
    private static InetAddress externalAddress(IgdAnswer answer) throws IOException {
        String text = answer.values().get("NewExternalIPAddress");
        try {
            InetAddress address = answer.isSuccess() && text != null ? IpLiteral.parse(text) : null;
            if (!(address instanceof Inet4Address)) {
                throw new IOException("UPnP gateway gave no external IPv4 address");
            }
            return address;
        } catch (WireFormatException e) {
            throw new IOException("UPnP gateway gave no external IPv4 address: " + e.getMessage());
        }
    }

    private static int port(String text, int otherwise) throws IOException {
        try {
            int port = text == null ? otherwise : Integer.parseInt(text.trim());
            if (port < 1 || port > 0xFFFF) {
                throw new IOException("UPnP gateway reserved port " + port);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IOException("UPnP gateway reserved no port");
        }
    }

    /** SSDP search, then the description: the WAN connection service on the gateway. */
    private IgdService discover() throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            try (DatagramSocket route = new DatagramSocket()) {
                route.connect(gateway, 1900);
                localAddress = route.getLocalAddress();
            }
            byte[] request = SsdpSearch.request(SsdpSearch.IGD);
            byte[] buffer = new byte[SsdpSearch.MAX_ANSWER + 1];
            for (int attempt = 0; attempt < 2; attempt++) {
                socket.send(new DatagramPacket(request, request.length, ssdpTarget));
                long deadline = System.nanoTime() + 1_000_000_000L;
                long left;
                while ((left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
                    socket.setSoTimeout((int) left);
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    if (!gateway.equals(packet.getAddress())) {
                        continue;
                    }
                    try {
                        URI location = onGateway(SsdpSearch.location(buffer, 0, packet.getLength()));
                        IgdService found = IgdDescription.service(get(location), location);
                        onGateway(found.controlUrl());
                        return found;
                    } catch (WireFormatException e) {
                        // not the gateway's IGD answer: keep listening
                    }
                }
            }
        }
        throw new IOException("no UPnP Internet Gateway Device answered from " + gateway.getHostAddress());
    }

    private URI onGateway(URI uri) throws WireFormatException {
        if (!gateway.getHostAddress().equals(uri.getHost())) {
            throw new WireFormatException("URL not on the gateway: " + uri);
        }
        return uri;
    }

    private byte[] get(URI location) throws IOException {
        HttpURLConnection http = open(location);
        return read(http);
    }

    private IgdAnswer call(IgdAction action) throws IOException {
        HttpURLConnection http = open(service.controlUrl());
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("Content-Type", "text/xml; charset=\"utf-8\"");
        http.setRequestProperty("SOAPAction", action.soapAction());
        byte[] body = action.envelope();
        http.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = http.getOutputStream()) {
            out.write(body);
        }
        try {
            return IgdAnswer.parse(read(http), action.name());
        } catch (WireFormatException e) {
            throw new IOException("bad " + action.name() + " answer: " + e.getMessage(), e);
        }
    }

    private static HttpURLConnection open(URI uri) throws IOException {
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        http.setConnectTimeout(TIMEOUT_MILLIS);
        http.setReadTimeout(TIMEOUT_MILLIS);
        http.setInstanceFollowRedirects(false);
        http.setUseCaches(false);
        return http;
    }

    /** The body, error answers included (a SOAP fault comes with status 500), at most 64 KiB. */
    private static byte[] read(HttpURLConnection http) throws IOException {
        int status = http.getResponseCode();
        try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
            if (in == null) {
                throw new IOException("HTTP " + status + " without a body");
            }
            byte[] body = in.readNBytes(IgdDescription.MAX_LENGTH + 1);
            if (body.length > IgdDescription.MAX_LENGTH) {
                throw new IOException("an answer over " + IgdDescription.MAX_LENGTH + " bytes");
            }
            return body;
        } finally {
            http.disconnect();
        }
    }
}
