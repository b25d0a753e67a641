package io.punchline.portmap;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SOAP action on a WAN connection service (UPnP Device Architecture 2.0 section 3.2.1; WANIPConnection:2 service
 * template section 2.5): AddPortMapping, AddAnyPortMapping (IGDv2), DeletePortMapping, GetExternalIPAddress. Argument
 * order is the template's, which IGDv1 gateways require; values are escaped.
 */
public record IgdAction(String serviceType, String name, Map<String, String> arguments) {

    public IgdAction {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** Section 2.5.16 (AddPortMapping) and 2.5.18 (AddAnyPortMapping, same arguments): a UDP mapping. */
    public static IgdAction addPortMapping(IgdService service, boolean anyPort, int externalPort, int internalPort,
                                           String internalClient, long leaseSeconds) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", "UDP");
        args.put("NewInternalPort", Integer.toString(internalPort));
        args.put("NewInternalClient", internalClient);
        args.put("NewEnabled", "1");
        args.put("NewPortMappingDescription", "Punchline");
        args.put("NewLeaseDuration", Long.toString(leaseSeconds));
        return new IgdAction(service.serviceType(), anyPort ? "AddAnyPortMapping" : "AddPortMapping", args);
    }

    /** Section 2.5.17. */
    public static IgdAction deletePortMapping(IgdService service, int externalPort) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", "UDP");
        return new IgdAction(service.serviceType(), "DeletePortMapping", args);
    }

    /** Section 2.5.20. */
    public static IgdAction getExternalIpAddress(IgdService service) {
        return new IgdAction(service.serviceType(), "GetExternalIPAddress", Map.of());
    }

    /** The {@code SOAPACTION} header's value. */
    public String soapAction() {
        return "\"" + serviceType + "#" + name + "\"";
    }

    public byte[] envelope() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:")
                .append(name).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
        arguments.forEach((key, value) -> xml.append('<').append(key).append('>').append(escape(value))
                .append("</").append(key).append('>'));
        xml.append("</u:").append(name).append("></s:Body></s:Envelope>\r\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
