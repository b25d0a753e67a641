package io.punchline.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Punchline's logging, configured in code: logs go to standard error (standard output stays clean for the CLI's output
 * and its JSON events), at the level {@code PUNCHLINE_LOG} names (INFO by default), with kwik and flupke kept at WARN.
 *
 * <p>Why in code: a {@code logback.xml} is read by Joran, whose XML parser and model classes (about 600 classes) cost
 * 0.2-0.35 s at the start of every command, on the main thread before anything else (docs/BENCHMARKS.md, "Quick
 * start"). Logback finds this class through {@code META-INF/services}; an operator's own
 * {@code -Dlogback.configurationFile} still wins.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** The console appender's name; {@link LogFormat} switches its encoder. */
    static final String APPENDER = "STDERR";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
    static final String LEVEL_VARIABLE = "PUNCHLINE_LOG";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(System.getenv(LEVEL_VARIABLE)));
        root.addAppender(console);
        context.getLogger("tech.kwik").setLevel(Level.WARN);
        // a fleet store's loss and return are logged once by FleetStore; Lettuce would log every reconnect attempt
        context.getLogger("io.lettuce").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code PUNCHLINE_LOG}'s level, INFO when it is unset or not a level's name. */
    static Level level(String name) {
        return Level.toLevel(name, Level.INFO);
    }
}
