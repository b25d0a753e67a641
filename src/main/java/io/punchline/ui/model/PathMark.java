package io.punchline.ui.model;

/** A moment the live path changed, drawn on the chart: a switch to direct, a fallback, a return to the relay. */
public record PathMark(long millis, Kind kind, String address) {

    public enum Kind { DIRECT, FALLBACK, RELAY }
}
