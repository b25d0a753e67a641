package io.punchline.portmap;

import io.punchline.wire.WireFormatException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * The device description of an Internet Gateway Device (UPnP Device Architecture 2.0 section 2.3; IGD:1 and IGD:2
 * device templates): the WAN connection service to send SOAP actions to, WANIPConnection:2 before :1 before
 * WANPPPConnection:1. At most 64 KiB of XML, parsed with no DOCTYPE and no external entities (a LAN host must not make
 * us read files or URLs); the control URL is resolved against {@code URLBase} or the description's own URL.
 */
public final class IgdDescription {

    static final int MAX_LENGTH = 64 * 1024;
    static final List<String> SERVICE_TYPES = List.of("urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1", "urn:schemas-upnp-org:service:WANPPPConnection:1");

    private IgdDescription() {
    }

    public static IgdService service(byte[] xml, URI location) throws WireFormatException {
        Element root = parse(xml).getDocumentElement();
        URI base = location;
        String urlBase = firstText(root, "URLBase");
        if (urlBase != null && !urlBase.isBlank()) {
            base = SsdpSearch.httpUrl(urlBase.trim());
        }
        NodeList services = root.getElementsByTagNameNS("*", "service");
        for (String wanted : SERVICE_TYPES) {
            for (int i = 0; i < services.getLength(); i++) {
                Element service = (Element) services.item(i);
                String control = firstText(service, "controlURL");
                if (wanted.equals(trimmed(firstText(service, "serviceType"))) && control != null && !control.isBlank()) {
                    try {
                        return new IgdService(wanted, SsdpSearch.httpUrl(base.resolve(control.trim()).toString()));
                    } catch (IllegalArgumentException e) {
                        throw new WireFormatException("bad control URL: " + e.getMessage());
                    }
                }
            }
        }
        throw new WireFormatException("no WANIPConnection or WANPPPConnection service");
    }

    /** A namespace-aware DOM of {@code xml}: no DOCTYPE, no external entities or schemas, bounded length. */
    static Document parse(byte[] xml) throws WireFormatException {
        if (xml.length > MAX_LENGTH) {
            throw new WireFormatException("XML of " + xml.length + " bytes");
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // no messages on standard error
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | IOException | RuntimeException e) {
            throw new WireFormatException("bad XML: " + e.getMessage());
        }
    }

    /** The text of the first element named {@code localName} (any namespace) under {@code parent}, or null. */
    static String firstText(Element parent, String localName) {
        NodeList nodes = parent.getElementsByTagNameNS("*", localName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static String trimmed(String text) {
        return text == null ? null : text.trim();
    }
}
