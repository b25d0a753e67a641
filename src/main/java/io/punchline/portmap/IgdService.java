package io.punchline.portmap;

import java.net.URI;

/** A WAN connection service of an Internet Gateway Device: its type (with version) and its SOAP control URL. */
public record IgdService(String serviceType, URI controlUrl) {

    public IgdService {
        if (serviceType == null || controlUrl == null) {
            throw new IllegalArgumentException("service type and control URL are required");
        }
    }

    /** IGDv2's WANIPConnection:2 (AddAnyPortMapping exists there). */
    public boolean isVersion2() {
        return serviceType.endsWith(":2");
    }
}
