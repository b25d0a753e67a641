package io.punchline.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * How a long-running command writes its log to standard error: {@code text} ({@link LogSetup}'s pattern, for a terminal)
 * or {@code json} (one JSON object per line, logback's own {@link JsonEncoder}, for journald or a log shipper).
 */
enum LogFormat {
    TEXT,
    JSON;

    /** The name on the command line. */
    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Switches the console appender of {@link LogSetup} to this format; text leaves it as configured. */
    void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogSetup.APPENDER);
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // the message as a reader sees it, without logback's bookkeeping (sequence numbers, context, raw arguments)
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    /** Picocli: {@code text} or {@code json}, in any case. */
    static final class Converter implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            for (LogFormat format : values()) {
                if (format.optionValue().equalsIgnoreCase(value.trim())) {
                    return format;
                }
            }
            throw new TypeConversionException("'" + value + "': the log format is text or json");
        }
    }
}
