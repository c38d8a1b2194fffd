// SegmentFields.swift — where the numeric fields of a header, a worker slot
// and an episode record lie (byte offset, width), by name: for the
// structure-aware segment fuzzer (make test), which writes hostile values
// into each of them and checks that every reader survives.

import CHogwild

/// Byte offsets and widths of the fields a hostile writer could change.
public enum SegmentFields {
  public typealias Field = (name: String, offset: Int, width: Int)

  /// The header's fields (offsets from the segment's start), the first
  /// `layers` rows of the layer table included.
  public static func header(layers: Int = 2) -> [Field] {
    typealias H = hw_header
    func at<T>(_ name: String, _ kp: KeyPath<H, T>) -> Field {
      (name, MemoryLayout<H>.offset(of: kp)!, MemoryLayout<T>.size)
    }
    var out: [Field] = [
      at("layout_version", \.layout_version), at("header_size", \.header_size), at("total_size", \.total_size),
      at("creator_pid", \.creator_pid), at("state", \.state), at("procs", \.procs), at("n_layers", \.n_layers),
      at("n_hparams", \.n_hparams), at("worker_slot_size", \.worker_slot_size), at("t_max", \.t_max),
      at("params_offset", \.params_offset), at("params_count", \.params_count), at("opt_offset", \.opt_offset),
      at("opt_count", \.opt_count), at("ring_offset", \.ring_offset), at("ring_capacity", \.ring_capacity),
      at("slots_offset", \.slots_offset), at("lock_offset", \.lock_offset), at("target_offset", \.target_offset),
      at("target_count", \.target_count), at("exchange_offset", \.exchange_offset),
      at("exchange_stride", \.exchange_stride), at("T", \.T.value), at("U", \.U.value),
      at("ring_head", \.ring_head.value), at("created_mono_ns", \.created_mono_ns),
      at("audit_stride", \.study.audit_stride), at("audit_sums_offset", \.study.audit_sums_offset),
      at("stale_k", \.study.stale_k), at("stale_stride", \.study.stale_stride),
      at("stale_ring_offset", \.study.stale_ring_offset),
    ]
    let table = MemoryLayout<H>.offset(of: \.layers)!
    for i in 0..<min(layers, SegmentLayout.maxLayers) {
      let row = table + i * MemoryLayout<hw_layer>.stride
      for (name, kp) in [("rows", \hw_layer.rows), ("cols", \hw_layer.cols)] as [(String, KeyPath<hw_layer, UInt32>)] {
        out.append(("layer \(i) \(name)", row + MemoryLayout<hw_layer>.offset(of: kp)!, 4))
      }
      for (name, kp) in [("offset", \hw_layer.offset), ("count", \hw_layer.count)] as [(String, KeyPath<hw_layer, UInt64>)] {
        out.append(("layer \(i) \(name)", row + MemoryLayout<hw_layer>.offset(of: kp)!, 8))
      }
    }
    out.append(("hparam 0 value", MemoryLayout<H>.offset(of: \.hparams)! + MemoryLayout<hw_hparam>.offset(of: \.value)!, 8))
    return out
  }

  /// A worker slot's fields (offsets from the slot's start).
  public static var slot: [Field] {
    typealias S = hw_worker_slot
    func at<T>(_ name: String, _ kp: KeyPath<S, T>) -> Field {
      (name, MemoryLayout<S>.offset(of: kp)!, MemoryLayout<T>.size)
    }
    var out: [Field] = [
      at("pid", \.pid), at("status", \.status), at("t", \.t), at("updates", \.updates),
      at("heartbeat_ns", \.heartbeat_ns), at("staleness_sum", \.staleness_sum),
      at("staleness_max", \.staleness_max), at("episodes", \.episodes), at("last_return", \.last_return),
      at("last_length", \.last_length), at("restarts", \.restarts), at("rank", \.rank),
      at("dropped_grads", \.dropped_grads), at("delay_ns_total", \.delay_ns_total), at("epsilon", \.epsilon),
      at("test_episodes", \.test_episodes), at("test_steps", \.test_steps),
    ]
    let hist = MemoryLayout<S>.offset(of: \.staleness_hist)!
    for b in [0, 1, Int(HW_STALENESS_BUCKETS) - 1] { out.append(("staleness_hist[\(b)]", hist + 8 * b, 8)) }
    return out
  }

  /// An episode record's fields (offsets from the record's start).
  public static var record: [Field] {
    typealias R = hw_episode_record
    func at<T>(_ name: String, _ kp: KeyPath<R, T>) -> Field {
      (name, MemoryLayout<R>.offset(of: kp)!, MemoryLayout<T>.size)
    }
    return [at("seq", \.seq), at("T", \.T), at("end_mono_ns", \.end_mono_ns), at("worker", \.worker),
            at("length", \.length), at("episode", \.episode), at("ret", \.ret), at("kind", \.kind)]
  }
}
