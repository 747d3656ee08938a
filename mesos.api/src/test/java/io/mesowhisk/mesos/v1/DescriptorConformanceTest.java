package io.mesowhisk.mesos.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Every message, enum, field name, number, type, label and default value that our own {@code .proto} files
 * declare must be exactly what the official Mesos 1.11 descriptors say (the official jar is used here, in test
 * scope only). Proto2 defaults matter: {@code CommandInfo.shell = true} and {@code Filters.refuse_seconds = 5.0}
 * change behaviour when a sender leaves the field out.
 */
class DescriptorConformanceTest {

    @Test
    void mesosMessagesMatchTheOfficialDescriptors() {
        List<String> problems = new ArrayList<>();
        compareFiles(Protos.getDescriptor(), org.apache.mesos.v1.Protos.getDescriptor(), problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void schedulerMessagesMatchTheOfficialDescriptors() {
        List<String> problems = new ArrayList<>();
        compareFiles(io.mesowhisk.mesos.v1.scheduler.Protos.getDescriptor(),
                org.apache.mesos.v1.scheduler.Protos.getDescriptor(), problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void theSubsetCoversTheMessagesTheProjectSpeaks() {
        FileDescriptor ours = Protos.getDescriptor();
        for (String name : List.of("FrameworkInfo", "Offer", "TaskInfo", "TaskStatus", "Resource", "Attribute",
                "CommandInfo", "ContainerInfo", "HealthCheck", "KillPolicy", "Filters", "MasterInfo")) {
            assertNotNull(ours.findMessageTypeByName(name), name);
        }
        assertTrue(Protos.CommandInfo.getDefaultInstance().getShell(), "CommandInfo.shell defaults to true");
        assertEquals(5.0, Protos.Filters.getDefaultInstance().getRefuseSeconds());
    }

    private static void compareFiles(FileDescriptor ours, FileDescriptor theirs, List<String> problems) {
        assertEquals(theirs.getPackage(), ours.getPackage());
        assertEquals(theirs.getName(), ours.getName());
        for (Descriptor message : ours.getMessageTypes()) {
            Descriptor official = theirs.findMessageTypeByName(message.getName());
            if (official == null) {
                problems.add("message " + message.getFullName() + " does not exist in Mesos");
            } else {
                compareMessages(message, official, problems);
            }
        }
        for (EnumDescriptor e : ours.getEnumTypes()) {
            compareEnums(e, theirs.findEnumTypeByName(e.getName()), problems);
        }
    }

    private static void compareMessages(Descriptor ours, Descriptor theirs, List<String> problems) {
        for (FieldDescriptor field : ours.getFields()) {
            FieldDescriptor official = theirs.findFieldByName(field.getName());
            String where = ours.getFullName() + "." + field.getName();
            if (official == null) {
                problems.add(where + " does not exist in Mesos");
                continue;
            }
            check(problems, where, "number", official.getNumber(), field.getNumber());
            check(problems, where, "type", official.getType(), field.getType());
            check(problems, where, "label", label(official), label(field));
            check(problems, where, "explicit default", official.hasDefaultValue(), field.hasDefaultValue());
            if (official.hasDefaultValue() && field.hasDefaultValue()) {
                check(problems, where, "default", String.valueOf(official.getDefaultValue()),
                        String.valueOf(field.getDefaultValue()));
            }
            check(problems, where, "deprecated", official.getOptions().getDeprecated(),
                    field.getOptions().getDeprecated());
            if (field.getType() == FieldDescriptor.Type.MESSAGE) {
                check(problems, where, "message type", official.getMessageType().getFullName(),
                        field.getMessageType().getFullName());
            }
            if (field.getType() == FieldDescriptor.Type.ENUM) {
                check(problems, where, "enum type", official.getEnumType().getFullName(),
                        field.getEnumType().getFullName());
            }
        }
        for (Descriptor nested : ours.getNestedTypes()) {
            Descriptor official = theirs.findNestedTypeByName(nested.getName());
            if (official == null) {
                problems.add("message " + nested.getFullName() + " does not exist in Mesos");
            } else {
                compareMessages(nested, official, problems);
            }
        }
        for (EnumDescriptor e : ours.getEnumTypes()) {
            compareEnums(e, theirs.findEnumTypeByName(e.getName()), problems);
        }
    }

    private static void compareEnums(EnumDescriptor ours, EnumDescriptor theirs, List<String> problems) {
        if (theirs == null) {
            problems.add("enum " + ours.getFullName() + " does not exist in Mesos");
            return;
        }
        // Enums are declared whole: a value we do not know would be turned into an unknown field.
        check(problems, ours.getFullName(), "value count", theirs.getValues().size(), ours.getValues().size());
        for (EnumValueDescriptor value : ours.getValues()) {
            EnumValueDescriptor official = theirs.findValueByName(value.getName());
            if (official == null) {
                problems.add(ours.getFullName() + "." + value.getName() + " does not exist in Mesos");
            } else {
                check(problems, ours.getFullName() + "." + value.getName(), "number", official.getNumber(),
                        value.getNumber());
            }
        }
    }

    private static String label(FieldDescriptor field) {
        return field.isRequired() ? "required" : field.isRepeated() ? "repeated" : "optional";
    }

    private static void check(List<String> problems, String where, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            problems.add(where + ": " + what + " is " + actual + ", Mesos says " + expected);
        }
    }
}
