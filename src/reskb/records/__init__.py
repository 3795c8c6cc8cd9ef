"""Records: what contributors write, loaded with positions, modelled and validated (`reskb validate`)."""
