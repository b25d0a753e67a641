package io.punchline.cli;

import io.punchline.masque.RelayFleet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --relay}: one relay contact, or a fleet's ({@link RelayFleet#parse}); a bad one is a usage error. */
final class RelayFleetConverter implements ITypeConverter<RelayFleet> {

    @Override
    public RelayFleet convert(String value) {
        try {
            return RelayFleet.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
