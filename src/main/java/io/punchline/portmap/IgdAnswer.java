package io.punchline.portmap;

import io.punchline.wire.WireFormatException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to an {@link IgdAction}: the output arguments of {@code <u:NAMEResponse>} (UPnP Device Architecture 2.0
 * section 3.2.2), or a SOAP fault's UPnP error code and description (section 3.2.3: 718 ConflictInMappingEntry, 725
 * OnlyPermanentLeasesSupported, 606 Action not authorized...). Values are bounded to 256 characters.
 */
public record IgdAnswer(Map<String, String> values, int errorCode, String errorDescription) {

    static final int MAX_VALUE = 256;
    public static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    public static final int ONLY_PERMANENT_LEASES_SUPPORTED = 725;

    public IgdAnswer {
        values = Map.copyOf(values);
    }

    public boolean isSuccess() {
        return errorCode == 0;
    }

    /** Reads the answer to the action {@code actionName}. */
    public static IgdAnswer parse(byte[] xml, String actionName) throws WireFormatException {
        Element root = IgdDescription.parse(xml).getDocumentElement();
        NodeList faults = root.getElementsByTagNameNS("*", "Fault");
        if (faults.getLength() > 0) {
            String code = IgdDescription.firstText((Element) faults.item(0), "errorCode");
            String description = IgdDescription.firstText((Element) faults.item(0), "errorDescription");
            try {
                int errorCode = Integer.parseInt(code == null ? "" : code.trim());
                if (errorCode <= 0) {
                    throw new WireFormatException("error code " + errorCode);
                }
                return new IgdAnswer(Map.of(), errorCode, bounded(description == null ? "" : description.trim()));
            } catch (NumberFormatException e) {
                throw new WireFormatException("a SOAP fault without a UPnP error code");
            }
        }
        NodeList responses = root.getElementsByTagNameNS("*", actionName + "Response");
        if (responses.getLength() == 0) {
            throw new WireFormatException("no " + actionName + "Response");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Node child = responses.item(0).getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && values.size() < 16) {
                values.put(bounded(element.getLocalName() == null ? element.getTagName() : element.getLocalName()),
                        bounded(element.getTextContent().trim()));
            }
        }
        return new IgdAnswer(values, 0, "");
    }

    private static String bounded(String text) throws WireFormatException {
        if (text.length() > MAX_VALUE) {
            throw new WireFormatException("a value of " + text.length() + " characters");
        }
        return text;
    }
}
