package io.punchline.ui.model;

/** Addresses as the engine prints them ({@code InetSocketAddress.toString()}: "/1.2.3.4:5", "host/1.2.3.4:5"), made comparable. */
final class Addresses {

    private Addresses() {
    }

    static String normalize(String address) {
        if (address == null) {
            return null;
        }
        String trimmed = address.trim();
        int slash = trimmed.indexOf('/');
        return slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
    }
}
