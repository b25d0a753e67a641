package io.punchline.transfer;

/** Which side of a transfer this engine is on. */
public enum Direction { SEND, RECEIVE }
