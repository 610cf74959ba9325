package dev.herald.cluster;

import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hazelcast serializer for one type, from how to write it and how to read it back; and the
 * collections Herald's records and entry processors are made of, written without Java
 * serialization.
 */
public final class Serializers {

  /** Writes one value. */
  public interface Writer<T> {
    void write(ObjectDataOutput out, T value) throws IOException;
  }

  /** Reads one value back. */
  public interface Reader<T> {
    T read(ObjectDataInput in) throws IOException;
  }

  private Serializers() {
  }

  /** The config that makes Hazelcast use {@code writer} and {@code reader} for {@code type}, under a type id unique in the cluster (positive). */
  public static <T> SerializerConfig of(Class<T> type, int typeId, Writer<T> writer, Reader<T> reader) {
    return new SerializerConfig().setTypeClass(type).setImplementation(new StreamSerializer<T>() {
      @Override
      public void write(ObjectDataOutput out, T value) throws IOException {
        writer.write(out, value);
      }

      @Override
      public T read(ObjectDataInput in) throws IOException {
        return reader.read(in);
      }

      @Override
      public int getTypeId() {
        return typeId;
      }
    });
  }

  /** Strings (none null), read back by {@link #readStrings} or {@link #readStringSet}. */
  public static void writeStrings(ObjectDataOutput out, Collection<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeString(s);
    }
  }

  public static List<String> readStrings(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    List<String> strings = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      strings.add(in.readString());
    }
    return strings;
  }

  public static Set<String> readStringSet(ObjectDataInput in) throws IOException {
    return Set.copyOf(readStrings(in));
  }

  /** A map of strings to strings (a record's connections: connection id to node id). */
  public static void writeStringMap(ObjectDataOutput out, Map<String, String> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
  }

  public static Map<String, String> readStringMap(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    Map<String, String> map = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      map.put(in.readString(), in.readString());
    }
    return map;
  }

  /** A map of strings to lists of strings (a batch: key to the connections it concerns). */
  public static void writeStringLists(ObjectDataOutput out, Map<String, List<String>> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, List<String>> e : map.entrySet()) {
      out.writeString(e.getKey());
      writeStrings(out, e.getValue());
    }
  }

  public static Map<String, List<String>> readStringLists(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    Map<String, List<String>> map = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      map.put(in.readString(), readStrings(in));
    }
    return map;
  }
}
