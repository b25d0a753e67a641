package io.punchline.ui.settings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.IOException;
import java.net.InetAddress;

/**
 * What the user set in the window, saved as {@code settings.json} in the profile folder. Unknown fields are ignored so
 * that an older version reads a newer file.
 *
 * @param relay              a remote relay {@code HOST:PORT#TLS_FP#RELAY_PEER_ID}; null or blank: the embedded relay
 * @param embeddedRelayPort  UDP port the embedded relay asks for first (another free port when it is taken)
 * @param downloadFolder     where received files go (phase 2); null: the platform's Downloads folder
 * @param deviceName         how this installation introduces itself to peers (phase 2 pairing)
 * @param theme              system, light or dark
 * @param portMapping        whether the engine asks the router for a port mapping (PCP, NAT-PMP, UPnP-IGD); null
 *                           (a file from before the setting): yes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Settings(String relay, int embeddedRelayPort, String downloadFolder, String deviceName, String theme,
                       Boolean portMapping) {

    public static final int DEFAULT_RELAY_PORT = 4433;
    public static final String SYSTEM = "system";
    public static final String LIGHT = "light";
    public static final String DARK = "dark";

    public Settings {
        if (embeddedRelayPort < 0 || embeddedRelayPort > 65535) {
            throw new IllegalArgumentException("embedded relay port must be 0..65535");
        }
        if (theme == null || !(theme.equals(SYSTEM) || theme.equals(LIGHT) || theme.equals(DARK))) {
            theme = SYSTEM;
        }
    }

    /** Settings with port mapping left at its default (on). */
    public Settings(String relay, int embeddedRelayPort, String downloadFolder, String deviceName, String theme) {
        this(relay, embeddedRelayPort, downloadFolder, deviceName, theme, null);
    }

    /** Port mapping is on unless the user turned it off. */
    public boolean portMappingOn() {
        return portMapping == null || portMapping;
    }

    public static Settings defaults() {
        return new Settings(null, DEFAULT_RELAY_PORT, null, defaultDeviceName(), SYSTEM);
    }

    public boolean embeddedRelay() {
        return relay == null || relay.isBlank();
    }

    public Settings withRelay(String value) {
        return new Settings(value == null || value.isBlank() ? null : value.trim(), embeddedRelayPort, downloadFolder,
                deviceName, theme, portMapping);
    }

    public Settings withTheme(String value) {
        return new Settings(relay, embeddedRelayPort, downloadFolder, deviceName, value, portMapping);
    }

    static String defaultDeviceName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getProperty("user.name", "punchline");
        }
    }
}
