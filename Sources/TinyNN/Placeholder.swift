public enum Activation: String, CaseIterable, Sendable { case tanh, relu }
