namespace Mingcha.Domain; internal static class Placeholder;
